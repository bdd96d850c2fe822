// README, Security, PIPL data lifecycle: withdrawing consent "stops processing at once … grid
// workers no longer see it (admins do), on the live event stream neither"; Dashboard, Family
// page: "… or withdrawn consent: 404". The acknowledgement link in a grid worker's SMS
// (/a/<token>, no sign-in) keeps serving the withdrawn household's alert during the erasure
// grace period: its (masked) name, when it started and the detector's explanation of the elder's
// routine ("平时 07:10 前会用水…"), to whoever holds the SMS — what the signed-in grid worker
// may no longer see. It should answer like an invalid link (404).
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from '../notify/app-harness.ts';

const TOKEN = 'machine-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe("an acknowledgement link after the household withdrew consent", () => {
  it('no longer shows the household', async () => {
    const r = new AppRun(undefined, { config: { http: { port: 0, host: '127.0.0.1', apiToken: TOKEN }, security: { erasureGraceDays: 7 }, notify: { policy: { checkIn: { enabled: false } } } } }).seed();
    const a = r.raise('no-usage');
    await r.advance(T0 + 2 * MIN);
    const sms = r.rec.sent.find((m) => m.to.phone === '13800000002')!;
    const path = /\/a\/\S+/.exec(sms.text)![0];
    const before = await r.app.http.inject({ method: 'GET', url: path });
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('平时 07:10 前会用水');

    const res = await r.app.http.inject({ method: 'POST', url: '/api/households/hh-1/consent/withdraw', headers: auth, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(r.app.store.alerts.get(a.id)?.status).toBe('resolved');

    const after = await r.app.http.inject({ method: 'GET', url: path });
    expect(after.body).not.toContain('平时 07:10 前会用水');
    expect(after.statusCode).toBe(404);
    await r.app.stop();
  });
});
