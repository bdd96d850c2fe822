// Meters that drop readings for hours (the real DAIAD homes do, hundreds of times a year): a day
// with a gap is learned for the hours it saw, a gap across which the register did not move does
// not end a silence for learning, and a silence cut short by a gap with use is still a precedent.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { deadlineFor } from '../../src/detect/deadline.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import { createRoutine, observe, type RoutineState } from '../../src/detect/routine.ts';
import { dayCount, dayNo, isExcluded, observedHours, silencesOf } from '../../src/detect/routine-days.ts';
import { at, dropGap, drive, household, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

describe('no-usage on a meter with a daily 6-hour gap in its readings', () => {
  it('learns from the 18 h a day it sees: a daytime silence raises a learned alert, not the 12 h backstop', () => {
    // Hourly meter; every night 01:00–07:00 no reading arrives (a gap: longer than 4 intervals).
    // Each day then has 18 h of data, less than a whole day.
    const h = household({ cadenceMin: 60, days: 24, seed: 21 });
    h.silence(at(22, '10:00'), at(23, '12:00')).use(at(23, '12:00'));
    let rs = h.readings();
    for (let d = 0; d < 24; d++) rs = dropGap(rs, at(d, '01:30'), at(d, '07:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, rs);

    const nu = raises(events, 'no-usage');
    expect(summary(nu)).toEqual([expect.stringMatching(/^raise no-usage d22 1[2-9]:/)]);
    expect(nu[0]!.reason.facts.model).toBe('learned');
    const r = meterOf(d, 'm-1').routine;
    // 18 of 24 hours a day: about three quarters of the 23 complete days, as whole days.
    expect(r.learnedDays).toBeGreaterThanOrEqual(14);
    expect(r.learnedDays).toBeLessThan(23);
    // A silence beginning in the hours hardly ever seen (only a night whose gap held no use, the
    // first use after 07:00, counts as seen) has too few comparable days: the backstop applies.
    const night = deadlineFor(r, at(23, '03:00'), cfg);
    expect(night.learned).toBe(false);
    expect(night.comparableDays).toBeLessThan(cfg.minHistoryDays);
    expect(deadlineFor(r, at(23, '10:00'), cfg).comparableDays).toBeGreaterThanOrEqual(20);
  });
});

describe('the routine learns whole silences across gaps', () => {
  // Drive the routine directly, as the detector does: (t0, t1], silence start, used, known.
  const H = (day: number, hhmm: string) => at(day, hhmm);
  /** The current day's record: its silences, observed hours and exclusion. */
  const cur = (r: RoutineState) => {
    const i = dayCount(r.days) - 1;
    return { day: dayNo(r.days, i), silences: silencesOf(r.days, i), hours: observedHours(r.days, i), excluded: isExcluded(r.days, i) };
  };

  it('a gap without use (the register did not move) does not end the silence: 10:00 → 17:00 is learned', () => {
    const r = createRoutine();
    observe(r, H(0, '09:00'), H(0, '10:00'), H(0, '08:00'), true, true, cfg);
    observe(r, H(0, '10:00'), H(0, '11:00'), H(0, '10:00'), false, true, cfg);
    observe(r, H(0, '11:00'), H(0, '16:00'), H(0, '10:00'), false, false, cfg); // 5 h gap, no use
    // The detector restarts its silence clock at the gap's end (16:00); the routine does not.
    observe(r, H(0, '16:00'), H(0, '17:00'), H(0, '16:00'), true, true, cfg);
    expect(cur(r).silences.slice(-2)).toEqual([H(0, '10:00'), H(0, '17:00')]);
    // The gap's hours count as observed: the register proves them silent.
    expect(cur(r).hours & (1 << 13)).not.toBe(0);
  });

  it('a gap with use inside: the silence before it lasted at least until the gap began (a censored precedent)', () => {
    const r = createRoutine();
    observe(r, H(0, '09:00'), H(0, '10:00'), H(0, '08:00'), true, true, cfg);
    observe(r, H(0, '10:00'), H(0, '11:00'), H(0, '10:00'), false, true, cfg);
    observe(r, H(0, '11:00'), H(0, '12:00'), H(0, '10:00'), false, true, cfg);
    observe(r, H(0, '12:00'), H(0, '17:00'), H(0, '10:00'), true, false, cfg); // used somewhere in 12–17
    expect(cur(r).silences.slice(-2)).toEqual([H(0, '10:00'), H(0, '12:00')]);
    // The gap's hours were not observed.
    expect(cur(r).hours & (1 << 14)).toBe(0);
    expect(cur(r).hours & (1 << 10)).not.toBe(0);
  });

  it('a gap without use that makes the silence absence-length excludes the days it spans', () => {
    const r = createRoutine();
    observe(r, H(0, '09:00'), H(0, '10:00'), H(0, '08:00'), true, true, cfg);
    observe(r, H(0, '10:00'), H(1, '02:00'), H(0, '10:00'), false, false, cfg); // 16 h gap, no use
    expect(cur(r).excluded).toBe(true);
    const n = dayCount(r.days);
    expect(n).toBe(2);
    expect(dayNo(r.days, n - 2)).toBe(cur(r).day - 1);
    expect(isExcluded(r.days, n - 2)).toBe(true);
  });
});
