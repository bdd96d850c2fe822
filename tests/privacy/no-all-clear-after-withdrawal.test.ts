// README, Notifications, "All-clear": "None after consent is withdrawn (processing stops)."
// Security, PIPL data lifecycle: "Withdrawing consent at once ... stops processing".
// A leak resolved during quiet hours has its all-clear deferred to the morning (a durable
// wake-up). If the household withdraws consent in the night (with an erasure grace period, so
// its rows still exist), the morning all-clear must not go out: processing has stopped. Nor
// does the retry of a message whose first attempt was in doubt (such rows are otherwise never
// cancelled, so that the person who may have been told gets the all-clear). The planner
// (src/alerting/escalation.ts, consentWithdrawn) and the sender (src/notify/dispatcher.ts,
// checked at the last moment) both refuse.
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from '../notify/app-harness.ts';

const TOKEN = 'machine-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('consent withdrawn while an all-clear waits for the morning', () => {
  it('sends nothing to the household after the withdrawal', async () => {
    const r = new AppRun(undefined, { config: { http: { port: 0, host: '127.0.0.1', apiToken: TOKEN }, security: { erasureGraceDays: 7 } } }).seed();
    const a = r.raise('leak');
    await r.app.notify!.settle();
    expect(r.rec.lines()).toEqual(['rung-0→13900000001 sms']); // the elder is told at 10:00

    // 23:00 Shanghai: the leak stops (the detector resolves it) — inside quiet hours.
    r.clock.now = T0 + 13 * 60 * MIN;
    r.change({ kind: 'resolved', alert: { ...a, status: 'resolved', resolvedAt: r.clock.now, resolution: 'auto', resolvedBy: 'system' } });
    await r.app.notify!.settle();
    expect(r.rec.sent.filter((m) => m.template === 'all-clear')).toEqual([]); // deferred to 07:00

    // 23:30: consent withdrawn (erasure after the 7-day grace period).
    r.clock.now = T0 + 13.5 * 60 * MIN;
    const res = await r.app.http.inject({ method: 'POST', url: '/api/households/hh-1/consent/withdraw', headers: auth, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(r.app.store.households.get('hh-1')).toBeDefined(); // still there (grace period)

    // 07:05 the next morning: the planner wakes for the deferred all-clear.
    r.clock.now = T0 + 21 * 60 * MIN + 5 * MIN;
    await r.app.notify!.settle();
    expect(r.rec.sent.filter((m) => m.template === 'all-clear').map((m) => m.to.phone)).toEqual([]);
    expect(r.rows(a.id).find((n) => n.purpose === 'all-clear')?.status ?? 'never queued').not.toBe('sent');
    await r.app.stop();
  });

  it('does not retry a message in doubt once consent is withdrawn', async () => {
    const r = new AppRun(undefined, {
      config: { http: { port: 0, host: '127.0.0.1', apiToken: TOKEN }, security: { erasureGraceDays: 7 } },
    }).seed();
    r.rec.script.set('13800000002', ['timeout']); // the grid worker's SMS: no answer in time (in doubt)
    const a = r.raise('data-fault');
    await r.app.notify!.settle();
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'pending', inDoubt: true });

    const res = await r.app.http.inject({ method: 'POST', url: '/api/households/hh-1/consent/withdraw', headers: auth, payload: {} });
    expect(res.statusCode).toBe(200);
    r.clock.now = T0 + 10 * MIN; // past the retry's backoff
    await r.app.notify!.settle();
    expect(r.rec.sent).toEqual([]);
    expect(r.rows(a.id).map((n) => n.status)).toEqual(['cancelled']);
    await r.app.stop();
  });
});
