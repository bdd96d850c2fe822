// Regression test (found by a review, 2026-12-07; fixed with it). The bug, as it was:
// A crash (no clean stop, so no snapshot at stop) after a check-in-stage no-usage alert opened
// but before the next periodic detector snapshot. At start-up the monitor re-adds the open
// alert's type to the meter's raised conditions (monitor.ts:38) but leaves noUsageCheckIn as the
// older snapshot had it (false), so checkNoUsage treats the alert as confirmed and held
// (no-usage.ts:25): the check-in is never confirmed. With nobody to ask first (no elder contact on
// the ladder, or notify.policy.checkIn off) a check-in-stage alert "disturbs no one until
// confirmed" (escalation.ts:124-126) — so after the crash nobody is ever told.
import { describe, expect, it } from 'vitest';
import { AppRun, CONTACTS, MIN, T0 } from './app-harness.ts';
import { Recorder } from './recorder.ts';

const HOUR = 60 * MIN;
const config = { log: { level: 'silent' as const }, detector: { noUsage: { checkIn: { enabled: true } } } };
const NO_ELDER = CONTACTS.filter((c) => c.role !== 'elder');

function feed(r: AppRun, from: number, to: number, total: number) {
  for (let t = from; t <= to; t += 15 * MIN) {
    r.clock.now = t;
    r.app.monitor.onReadings([{ meterId: 'm-1', ts: t, totalLiters: total, receivedAt: t }]);
    r.app.store.writes.flushSync();
  }
}

async function scenario(restart: 'crash' | 'clean') {
  const clock = { now: T0 };
  const rec = new Recorder(() => clock.now);
  let r = new AppRun(undefined, { clock, rec, config }).seed(NO_ELDER);
  feed(r, T0, T0, 1000);
  feed(r, T0 + 15 * MIN, T0 + 9 * HOUR, 1000);
  r.app.monitor.saveState(clock.now); // the periodic snapshot (every 5 min in production)
  feed(r, T0 + 9 * HOUR + 15 * MIN, T0 + 10 * HOUR + 15 * MIN, 1000); // 10 h backstop: check-in stage opens
  const [alert] = r.app.store.alerts.listActive();
  expect(alert).toMatchObject({ type: 'no-usage', stage: 'check-in', status: 'open' });
  await r.app.notify!.settle();
  expect(rec.sent).toHaveLength(0); // nobody to ask: waits for the detector to confirm
  if (restart === 'crash') r.app.store.close(); // kill -9: committed rows stay, no snapshot at stop
  else await r.app.stop();
  r = new AppRun(r.path, { clock, rec, config });
  // The silence goes on past the full (12 h) deadline.
  feed(r, T0 + 10 * HOUR + 30 * MIN, T0 + 13 * HOUR, 1000);
  await r.app.notify!.settle();
  const after = r.app.store.alerts.get(alert!.id);
  const lines = rec.lines();
  await r.app.stop();
  return { after, lines };
}

describe('a crash while a check-in-stage alert is open', () => {
  it('control: after a clean restart the detector confirms it and the grid worker is told', async () => {
    const { after, lines } = await scenario('clean');
    expect(after).toMatchObject({ status: 'open', stage: 'confirmed' });
    expect(lines).toEqual(['rung-1→13800000002 sms']);
  });

  it('after a crash it is confirmed too, and the grid worker is told', async () => {
    const { after, lines } = await scenario('crash');
    expect({ stage: after!.stage, lines }).toEqual({ stage: "confirmed", lines: ["rung-1→13800000002 sms"] }); // before the fix: stage 'check-in' for ever, lines [] (nobody told)
  });
});
