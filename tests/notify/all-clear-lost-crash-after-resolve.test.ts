// Regression (a bug hunt found it; fixed): the resolution of an alert is committed (alerts table) and only then is the notify
// wake-up row written (a separate write, from the monitor's listener). A crash between the two
// loses the all-clear for good: at restart only *active* alerts are re-planned, so the grid
// worker who was sent a battery-low alert (no reminders, so no wake-up row is left once it was
// told) never hears that it is over.
// Cause: src/notify/service.ts:182-184 (restart recovery wakes store.alerts.listActive() only;
// a resolved alert whose all-clear is still owed has no wake-up row and is never planned again).
// Correct: README "All-clear: when the alert resolves, everyone who was alerted gets …" and
// "every message is a row … so a step reaches a person once whatever restarts happen": recovery
// must also re-plan resolved alerts that have sent alert messages and no all-clear yet (or the
// resolution and its wake-up must be one transaction).
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from './app-harness.ts';
import { tempDb } from './temp.ts';

describe('a crash right after an alert resolution was stored', () => {
  it('still sends the all-clear after the restart', async () => {
    const path = tempDb();
    const clock = { now: T0 };
    const config = { notify: { policy: { checkIn: { enabled: false } } } };
    const a = new AppRun(path, { clock, config }).seed([{ name: '陈网格', role: 'grid-worker', phone: '13800000002' }]);
    const alert = a.raise('battery-low');
    await a.advance(T0 + 5 * MIN);
    expect(a.rec.lines()).toEqual(['rung-1→13800000002 sms']);
    // 10:06 the battery reads fine again: the monitor stores the resolution … and the process dies before
    // its listeners (the notifier's wake-up row) run.
    clock.now = T0 + 6 * MIN;
    a.app.store.alerts.record({ kind: 'resolved', alert: { ...alert, status: 'resolved', resolvedAt: clock.now, resolution: 'auto', resolvedBy: 'system' } });
    await a.app.stop();

    const b = new AppRun(path, { clock, config });
    await b.advance(T0 + 30 * MIN);
    expect(b.rec.lines()).toEqual(['all-clear→13800000002 sms']);
    await b.app.stop();
  });
});
