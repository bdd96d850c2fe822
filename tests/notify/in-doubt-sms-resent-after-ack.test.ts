// Regression (a bug hunt found it; fixed): an SMS whose send was in doubt (timeout) is exempt from cancellation; when the
// provider's records later say it never went out ('not-sent'), the dispatcher sends it — even
// though the alert was acknowledged meanwhile. The grid worker gets "please go and check" after
// someone already has it in hand (the ladder did not stop at the acknowledgement).
// Cause: src/notify/dispatcher.ts:191-195 (attempt: after settledByCheck → not-sent the row is
// sent without re-checking the alert's status; the status check at :172 let it through only
// because it was in doubt).
// Correct: once the provider's records show nobody was told, the row is an ordinary pending
// message again: cancelled if its alert is no longer open (README: "Acknowledged … stops the
// ladder: queued messages are cancelled").
import { describe, expect, it } from 'vitest';
import type { ChannelKind, Notifier, OutgoingMessage } from '../../src/notify/types.ts';
import { AppRun, MIN, T0 } from './app-harness.ts';

describe('an in-doubt SMS found not sent after the alert was acknowledged', () => {
  it('is not sent after the acknowledgement', async () => {
    const clock = { now: T0 };
    const delivered: { text: string; at: number }[] = [];
    let calls = 0;
    const sms: Notifier = {
      kind: 'sms',
      provider: 'fake-sms',
      checkAfterMs: 2 * MIN,
      send: async (msg: OutgoingMessage) => {
        calls++;
        if (calls === 1) return { ok: false, retryable: true, code: 'timeout', message: 'no answer in time' };
        delivered.push({ text: msg.text, at: clock.now });
        return { ok: true, providerMessageId: `m-${calls}` };
      },
      check: async () => ({ status: 'not-sent' }),
    };
    const r = new AppRun(undefined, { clock, notifiers: new Map<ChannelKind, Notifier>([['sms', sms]]), config: { notify: { policy: { checkIn: { enabled: false } } } } });
    r.seed([{ name: '陈网格', role: 'grid-worker', phone: '13800000002', channels: ['sms'] }]);
    const alert = r.raise('no-usage');
    await r.advance(T0 + 1 * MIN); // rung 1 SMS: timed out (in doubt), its records asked from +2 min
    expect(calls).toBe(1);
    // The family phoned her; the duty officer acknowledges in the dashboard.
    const acked = r.app.acks.acknowledge(alert.id, 'duty officer', 'api');
    expect(acked).toMatchObject({ status: 'acknowledged' });
    const ackAt = clock.now;
    await r.advance(T0 + 10 * MIN);
    // Provider records: it never went out. Nobody was told — and now nobody should be.
    expect(delivered.filter((d) => d.at >= ackAt)).toEqual([]);
    await r.app.stop();
  });
});
