// Regression (a bug hunt found it; fixed): a meter revoked through the API (POST /api/meters/:id/revoke) stays in the detector, so
// once it is silent (it is refused at CONNECT, so it must be) the detector opens an "offline" alert
// for it and the ladder tells the household's contacts — for a meter the operator switched off.
// After a restart the same meter is not restored ("it would raise 'offline' for a home nobody may
// watch", src/service/detector-snapshot.ts:63-64), so the behaviour depends on whether the service restarted.
// Cause: the revoke route (src/http/routes/meters.ts:53-58) and app.ts:227-229 (disconnectIfRevoked)
// only disconnect; nothing calls monitor.forgetMeter as consent withdrawal does
// (src/service/consent-lifecycle.ts:69).
// Correct: a revoked meter is not watched: no offline alert for it (forget it on revocation, as at restart).
import { describe, expect, it } from 'vitest';
import { seeded, startApp } from '../privacy/app-harness.ts';

describe('revoking a meter', () => {
  it('does not raise "offline" for the meter it revoked', async () => {
    const h = await startApp();
    const { api, app, clock } = h;
    await seeded(h);
    const r = await api('POST', '/api/meters/m-1/revoke');
    expect(r.status).toBe(200);
    // Two days of (enforced) silence, the detector ticking every 5 minutes.
    for (let i = 0; i < (2 * 24 * 60) / 5; i++) {
      clock.now += 5 * 60_000;
      app.monitor.tick(clock.now);
    }
    await app.store.writes.barrier();
    const alerts = app.store.alerts.list({ householdId: 'hh-1', limit: 50, offset: 0 }).items;
    expect(alerts.filter((a) => a.type === 'offline').map((a) => `${a.type}:${a.status}`), 'offline alert for a revoked meter').toEqual([]);
    expect(app.monitor.detector.meters.has('m-1')).toBe(false);
  });

  it('a new token makes it active again with what it had learned (its snapshot was kept)', async () => {
    const h = await startApp();
    const { api, app } = h;
    await seeded(h); // saves the detector's state
    const before = app.monitor.detector.meters.get('m-1')!;
    const learned = { readings: before.register.lastTotal, active: [...before.active] };
    expect((await api('POST', '/api/meters/m-1/revoke')).status).toBe(200);
    expect(app.monitor.detector.meters.has('m-1')).toBe(false);
    expect(app.store.detectorSnapshots.get('m-1')).toBeDefined();
    expect((await api('POST', '/api/meters/m-1/rotate')).status).toBe(200);
    const back = app.monitor.detector.meters.get('m-1');
    expect(back && { readings: back.register.lastTotal, active: [...back.active] }).toEqual(learned);
  });
});
