// Regression (a bug hunt found it; fixed): a leak alert's next rung that fell due in the evening but was planned late (the
// service was down and restarted at 23:30) goes out at once, in the middle of quiet hours,
// instead of at 07:00. Cause: src/alerting/escalation.ts:147-148 (`defer(nextDue)` defers the
// *due* time, not the moment it would actually be sent: 21:30 is outside the window, so the send
// at now = 23:30 is not deferred). The same holds for reminders (:185).
// Correct: README "Quiet hours … delay leak, offline, data-fault and battery-low to the morning":
// a non-critical send is never made inside quiet hours; defer(max(now, due)).
import { describe, expect, it } from 'vitest';
import { AppRun, MIN } from './app-harness.ts';
import { tempDb } from './temp.ts';

const HOUR = 60 * MIN;
const at = (hhmm: string) => Date.parse(`2026-03-03T${hhmm}:00+08:00`);

describe('a leak rung due at 21:30, planned at 23:30 after a restart', () => {
  it('waits for the end of quiet hours', async () => {
    const path = tempDb();
    const clock = { now: at('17:30') };
    const contacts = [
      { name: '王秀英', role: 'elder' as const, phone: '13900000001' },
      { name: '陈网格', role: 'grid-worker' as const, phone: '13800000002' },
    ];
    const a = new AppRun(path, { clock }).seed(contacts);
    const leak = a.raise('leak');
    await a.advance(at('17:35'));
    expect(a.rec.lines()).toEqual(['rung-0→13900000001 sms']); // rung 1 due 4 h later: 21:30
    await a.app.stop();

    // Down from 18:00; back at 23:30 on the same database.
    clock.now = at('23:30');
    const b = new AppRun(path, { clock });
    await b.advance(at('23:40'));
    const night = b.rec.sent.filter((m) => m.at < at('23:30') + 7.5 * HOUR);
    expect(night.map((m) => `${m.idempotencyKey.split(':')[1]} @${new Date(m.at).toISOString()}`)).toEqual([]);
    expect(b.app.store.alerts.get(leak.id)?.status).toBe('open');
    await b.app.stop();
  });
});
