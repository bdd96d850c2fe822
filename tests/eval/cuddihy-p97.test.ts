import { describe, expect, it } from 'vitest';
import { createCuddihyP97 } from '../../eval/reference/cuddihy-p97.ts';
import { runRule } from '../../eval/reference/driver.ts';
import { HOUR, MINUTE } from '../../eval/trace.ts';
import { at, times, trace } from './helpers.ts';

const PER_DAY = 96; // 15-min readings
/** 20 L in the interval ending at 08:00 China time, every day except `skip`. */
const morningOnly = (days: number, skip?: number) =>
  trace('m1', days * PER_DAY, (i) => (i % PER_DAY === 31 && Math.floor(i / PER_DAY) !== skip ? 20 : 0), { stepMin: 15 });
const slotOf = (hLocal: number, mLocal = 0): number => (hLocal * 60 + mLocal) / 30;

describe('cuddihy-p97', () => {
  it('learns, per 30-min slot of the China day, the 97th percentile of the inactivity seen there', () => {
    const rule = createCuddihyP97();
    expect(runRule(rule, morningOnly(9))).toEqual([]);
    const th = rule.thresholds('m1');
    // Sampled every 5 min: the largest sample of 12:00–12:30 is at 12:25, 4 h 25 min after 08:00.
    expect(th[slotOf(12)]).toBe(4 * HOUR + 25 * MINUTE);
    expect(th[slotOf(8)]).toBe(25 * MINUTE);
    expect(th[slotOf(7, 30)]).toBe(23 * HOUR + 55 * MINUTE);
  });

  it('alerts when the current inactivity exceeds the slot threshold (the missed 08:00 use), once', () => {
    const alerts = runRule(createCuddihyP97(), morningOnly(10, 8));
    expect(alerts.map((a) => a.type)).toEqual(['no-usage']);
    expect(times(alerts)).toEqual([at(8 * 24 * 60 + 8 * 60)]);
  });

  it('does not alert with fewer than 7 days of history, however long the silence', () => {
    // Days 0–6 (ending 23:45), the morning use missing on day 6: only 6 completed days.
    expect(runRule(createCuddihyP97(), morningOnly(7, 6).slice(0, -1))).toEqual([]);
  });

  it('learns only from completed days: a threshold exists from day 7 on, not before', () => {
    const rule = createCuddihyP97();
    runRule(rule, morningOnly(7).slice(0, -1));
    expect(rule.thresholds('m1').every((t) => t === undefined)).toBe(true);
    const rule7 = createCuddihyP97();
    runRule(rule7, morningOnly(7));
    expect(rule7.thresholds('m1')[0]).toBeDefined();
  });
});
