// Regression test (found by a review, 2026-12-07; fixed with it). The bug, as it was:
// A check-in-stage no-usage alert that the detector confirms inside the elder's check-in window
// (escalated: the walk starts at once, the grid worker is told); the elder then replies "1", still
// inside the window. acks.ts elderWindowOpen only looks at the check-in window, so the reply
// resolves the alert 'elder-fine' — and the planner sends the grid worker the all-clear
// "已恢复用水". README: all-clear "nobody after an elder-fine answer"; and once others were told
// the elder's "1" acknowledges instead of closing the alert (acks.test.ts, after the window).
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from './app-harness.ts';

const TOKEN = 'reply-token-0123456789';
const tencentReply = (mobile: string, text: string, at = T0) => ({ extend: '', mobile, nationcode: '86', sign: '安心', text, time: Math.floor(at / 1000) });

describe('the elder answers after the detector confirmed her check-in', () => {
  it('nobody gets a "water use resumed" all-clear after an elder-fine answer', async () => {
    const r = new AppRun().seed();
    const a = r.raise('no-usage', { stage: 'check-in' });
    await r.advance(T0 + 10 * MIN);
    r.change({ kind: 'escalated', alert: { ...a, stage: 'confirmed' }, at: r.clock.now });
    await r.advance(T0 + 11 * MIN);
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms', 'rung-1→13800000002 sms']);
    // 15 minutes into her 30-minute window, the elder replies "1".
    await r.advance(T0 + 15 * MIN);
    const res = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: tencentReply('13900000001', '1', r.clock.now) });
    expect(res.statusCode).toBe(200);
    await r.advance(T0 + 2 * 60 * MIN);
    const after = r.rec.sent.slice(2).map((m) => `${m.idempotencyKey.split(':')[1]}→${m.to.phone} ${m.text}`);
    expect(after).toEqual([]); // before the fix: all-clear→13800000002 王秀英：10:15 已恢复用水，提醒已解除。
    await r.app.stop();
  });
});
