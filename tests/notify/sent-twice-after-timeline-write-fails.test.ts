// Regression (a bug hunt found it; fixed): a message the provider accepted is sent a second time when writing its timeline entry
// ('notification-sent', alert_events) fails for a moment (SQLITE_BUSY): the error escapes
// attempt(), and the pump's catch puts the row — already saved as 'sent' — back to 'pending' in
// doubt, so the grid worker gets the same alert SMS twice (the recording provider, like Tencent
// and Alibaba SendSms, does not de-duplicate).
// Cause: src/notify/dispatcher.ts:262-265 (the catch overwrites the row with the pre-attempt copy
// `{...n, status: 'pending'}` whatever attempt() had already settled) with :222-224 (the event is
// written after the row was saved as sent, inside the same try).
// Correct: README "a step reaches a person once whatever restarts happen": a send the provider
// accepted stays sent; a failure of the bookkeeping after it must not re-queue it.
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from './app-harness.ts';

describe('the timeline write after a successful send fails once', () => {
  it('does not send the message again', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } });
    r.seed([{ name: '陈网格', role: 'grid-worker', phone: '13800000002' }]);
    const alerts = r.app.store.alerts;
    const addEvent = alerts.addEvent.bind(alerts);
    let failed = false;
    alerts.addEvent = ((e: Parameters<typeof addEvent>[0]) => {
      if (!failed && e.kind === 'notification-sent') {
        failed = true;
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      }
      return addEvent(e);
    }) as typeof alerts.addEvent;
    r.raise('no-usage');
    await r.advance(T0 + 5 * MIN);
    expect(failed).toBe(true);
    expect(r.rec.lines()).toEqual(['rung-1→13800000002 sms']);
    await r.app.stop();
  });
});
