// Regression (a bug hunt found it; fixed): when an in-doubt SMS cannot be confirmed (the status query cannot tell), the row moves
// to the contact's next channel still flagged in doubt — so the WeChat message, never attempted
// before, goes out although the alert was acknowledged meanwhile (the ladder did not stop).
// Cause: src/notify/dispatcher.ts:149-150 (settledByCheck "unknown"; likewise :245 after retries: moves to channelIndex+1
// keeping in_doubt) together with :172 (in-doubt rows are exempt from the "alert no longer
// open → cancel" check).
// Correct: "in doubt" is about the channel that was tried; a first attempt on the next channel
// after an acknowledgement is a queued message like any other and is cancelled (README:
// "Acknowledged … stops the ladder: queued messages are cancelled").
import { describe, expect, it } from 'vitest';
import type { ChannelKind, Notifier } from '../../src/notify/types.ts';
import { AppRun, MIN, T0 } from './app-harness.ts';
import { Recorder } from './recorder.ts';

describe('an in-doubt SMS that cannot be confirmed after the alert was acknowledged', () => {
  it('does not fall back to WeChat after the acknowledgement', async () => {
    const clock = { now: T0 };
    const rec = new Recorder(() => clock.now);
    const sms: Notifier = {
      kind: 'sms',
      provider: 'fake-sms',
      checkAfterMs: 2 * MIN,
      send: async () => ({ ok: false, retryable: true, code: 'timeout', message: 'no answer in time' }),
      check: async () => ({ status: 'unknown', code: 'query-failed', message: 'status query failed' }),
    };
    const notifiers = new Map<ChannelKind, Notifier>([['sms', sms], ['wechat', rec.notifier('wechat')]]);
    const r = new AppRun(undefined, { clock, rec, notifiers, config: { notify: { policy: { checkIn: { enabled: false } } } } });
    r.seed([{ name: '陈网格', role: 'grid-worker', phone: '13800000002', wechatOpenId: 'o-chen', channels: ['sms', 'wechat'] }]);
    const alert = r.raise('no-usage');
    await r.advance(T0 + 1 * MIN); // rung 1 by SMS: timed out, in doubt; its records asked from +2 min
    expect(r.app.acks.acknowledge(alert.id, 'duty officer', 'api')).toMatchObject({ status: 'acknowledged' });
    const ackAt = clock.now;
    await r.advance(T0 + 10 * MIN);
    expect(rec.sent.filter((m) => m.at >= ackAt).map((m) => `${m.channel} ${m.idempotencyKey}`)).toEqual([]);
    // He may have read the SMS in doubt: when the alert resolves, he still gets the all-clear.
    expect(r.app.store.outbox.forAlert(alert.id).map((n) => [n.purpose, n.status])).toEqual([['alert', 'cancelled']]);
    const res = await r.app.http.inject({ method: 'POST', url: `/api/alerts/${alert.id}/resolve`, payload: { by: '网格员 陈', note: '已上门，老人平安' } });
    expect(res.statusCode).toBe(200);
    await r.advance(T0 + 20 * MIN);
    expect(r.app.store.outbox.forAlert(alert.id).some((n) => n.purpose === 'all-clear')).toBe(true);
    await r.app.stop();
  });
});
