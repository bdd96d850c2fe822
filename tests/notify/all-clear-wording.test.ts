// The all-clear says only what is known. Consent withdrawn (with a grace period, so nothing is
// erased yet) while a no-usage alert is out: the alert is resolved "like an operator would", and
// the planner once sent everyone alerted "…已恢复用水，提醒已解除" — nobody saw water used, and the
// household had asked for processing to stop. A person resolving it (a visit; the elder may be in
// hospital) got the same "water use resumed". (Found by a review, 2026-12-07.)
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from './app-harness.ts';

const TOKEN = 'machine-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('the all-clear after an alert is closed by hand', () => {
  it('consent withdrawn: sends no "water use resumed" all-clear to the people alerted', async () => {
    const r = new AppRun(undefined, { config: { http: { port: 0, host: '127.0.0.1', apiToken: TOKEN }, security: { erasureGraceDays: 30 } } }).seed();
    const a = r.raise('no-usage');
    await r.advance(T0 + 31 * MIN); // check-in unanswered → the grid worker is told
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms', 'rung-1→13800000002 sms']);
    const res = await r.app.http.inject({ method: 'POST', url: '/api/households/hh-1/consent/withdraw', headers: auth, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(r.app.store.alerts.get(a.id)).toMatchObject({ status: 'resolved', resolvedBy: 'consent-withdrawn' });
    await r.advance(T0 + 3 * 60 * MIN);
    const after = r.rec.sent.slice(2).map((m) => `${m.idempotencyKey.split(':')[1]}→${m.to.phone} ${m.text}`);
    expect(after).toEqual([]); // before the fix: all-clear→13800000002 王秀英：10:31 已恢复用水，提醒已解除。
    await r.app.stop();
  });

  it('a person resolving it: the all-clear says someone has seen to it, not that water use resumed', async () => {
    const r = new AppRun(undefined, { config: { http: { port: 0, host: '127.0.0.1', apiToken: TOKEN } } }).seed();
    const a = r.raise('no-usage');
    await r.advance(T0 + 31 * MIN);
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms', 'rung-1→13800000002 sms']);
    const res = await r.app.http.inject({ method: 'POST', url: `/api/alerts/${a.id}/resolve`, headers: auth, payload: { by: '网格员 李', note: '已送医' } });
    expect(res.statusCode).toBe(200);
    await r.advance(T0 + 3 * 60 * MIN);
    const after = r.rec.sent.slice(2).map((m) => `${m.idempotencyKey.split(':')[1]}→${m.to.phone} ${m.text}`);
    expect(after).toEqual(['all-clear→13800000002 王秀英：10:31 已有人处理，提醒已解除。']);
    await r.app.stop();
  });
});
