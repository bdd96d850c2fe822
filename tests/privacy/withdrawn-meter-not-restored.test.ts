// PIPL: a household that withdrew consent is not watched any more, and a restart during the
// grace period before its erasure must not bring its meter back: no learned routine restored,
// no "offline" alert for a home nobody may monitor.
import { describe, expect, it } from 'vitest';
import { HOUR, T0 } from '../dashboard/helpers.ts';
import { restartable } from '../service/restart-harness.ts';

describe('a withdrawn meter across a restart', () => {
  it('its snapshot goes at withdrawal; after a restart it is not restored and raises nothing', async () => {
    const x = restartable({ security: { erasureGraceDays: 30 } });
    try {
      x.feed(T0, T0 + 2 * HOUR, 1010);
      x.snapshot();
      expect(x.app.store.detectorSnapshots.get('m1')).toBeDefined();
      const res = await x.app.http.inject({ method: 'POST', url: '/api/households/h1/consent/withdraw', payload: {} });
      expect(res.statusCode).toBe(200);
      expect(x.app.store.households.get('h1')?.consent?.withdrawnAt).toBeDefined(); // kept for the grace period
      expect(x.app.store.detectorSnapshots.get('m1')).toBeUndefined();

      await x.restart(T0 + 3 * HOUR);
      expect(x.app.monitor.detector.meters.has('m1')).toBe(false);
      for (let k = 4; k <= 60; k++) x.tick(T0 + k * HOUR);
      expect(x.app.store.alerts.list({ limit: 10, offset: 0 }).total).toBe(0);
    } finally {
      await x.close();
    }
  });

  it('a snapshot row left from before (an older release withdrew without deleting it) is skipped at restore', async () => {
    const x = restartable({ security: { erasureGraceDays: 30 } });
    try {
      x.feed(T0, T0 + 2 * HOUR, 1010);
      const rows = x.snapshot();
      await x.app.http.inject({ method: 'POST', url: '/api/households/h1/consent/withdraw', payload: {} });
      await x.crash(T0 + 3 * HOUR, rows); // the row is back, as an older release left it
      expect(x.app.monitor.detector.meters.has('m1')).toBe(false);
      for (let k = 4; k <= 60; k++) x.tick(T0 + k * HOUR);
      expect(x.app.store.alerts.list({ limit: 10, offset: 0 }).total).toBe(0);
    } finally {
      await x.close();
    }
  });
});
