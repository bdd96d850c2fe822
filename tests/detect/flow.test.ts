// Surge (a tap left running, a burst pipe) and leak (flow that never stops), on top of a
// normal household, with the household's own long showers never mistaken for either.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { HOUR, MIN, at, clears, drive, household, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

describe('surge', () => {
  it('1-min meter: a tap left running at 6 L/min → one surge within 45 min, cleared when it stops', () => {
    const h = household({ cadenceMin: 1, days: 16, seed: 3 });
    const start = at(14, '10:00');
    const stop = at(14, '11:30');
    h.tap(start, 6, stop);
    const { events } = drive(createDetector(cfg), h.readings());

    expect(summary(raises(events))).toEqual([expect.stringMatching(/^raise surge d14 /)]);
    const raise = raises(events)[0]!;
    expect(raise.observedAt).toBeGreaterThan(start);
    expect(raise.observedAt).toBeLessThanOrEqual(start + 45 * MIN);
    expect(raise.reason.facts.runMinutes).toBe(Math.round((raise.observedAt - start) / MIN));
    expect(raise.reason.en).toMatch(/^Water has flowed without stopping for \d+ min/);
    const cleared = clears(events, 'surge');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.at).toBeGreaterThan(stop);
    expect(cleared[0]!.at).toBeLessThanOrEqual(stop + 5 * MIN);
  });

  it('15-min meter: a burst pipe at 25 L/min → surge on the first or second reading', () => {
    const h = household({ cadenceMin: 15, days: 16, seed: 3 });
    const start = at(14, '10:00');
    const stop = at(14, '11:00');
    h.tap(start, 25, stop);
    const { events } = drive(createDetector(cfg), h.readings());

    expect(summary(raises(events))).toEqual([expect.stringMatching(/^raise surge d14 /)]);
    const raise = raises(events)[0]!;
    expect(raise.observedAt).toBeGreaterThan(start);
    expect(raise.observedAt).toBeLessThanOrEqual(start + 2 * 15 * MIN);
    expect(raise.reason.facts.hourLiters as number).toBeGreaterThanOrEqual(cfg.surge.minHourLiters);
    const cleared = clears(events, 'surge');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.at).toBeGreaterThan(stop);
    expect(cleared[0]!.at).toBeLessThanOrEqual(stop + HOUR);
  });

  it.each([1, 15, 60])('%i-min meter: a daily 15-min shower at 7 L/min never raises, from day 0 on', (cadenceMin) => {
    const h = household({ cadenceMin, days: 21, seed: 8, shower: true });
    // An evening bath-length shower too on some days (in the learning week and after).
    for (const day of [1, 6, 13, 20]) h.tap(at(day, '19:00'), 7, at(day, '19:15'));
    const { events } = drive(createDetector(cfg), h.readings());
    expect(summary(events)).toEqual([]);
  });
});

describe('leak', () => {
  it.each([1, 15, 60])('%i-min meter: 0.2 L/min constant leak → leak within 24 h; no-usage still works on the leaking household', (cadenceMin) => {
    const h = household({ cadenceMin, days: 17, seed: 5 });
    // Day 15: the person stops using water at 10:00 and resumes at 18:00; the leak goes on.
    const stop = at(15, '10:00');
    const resume = at(15, '18:00');
    h.silence(stop, resume).use(resume);
    const lastUse = h.lastUseBefore(stop);
    const leakFrom = at(14, '00:00');
    h.leak(0.2, leakFrom);
    const { events } = drive(createDetector(cfg), h.readings());

    const leak = raises(events, 'leak');
    expect(leak).toHaveLength(1);
    expect(leak[0]!.observedAt).toBeGreaterThan(leakFrom);
    expect(leak[0]!.observedAt).toBeLessThanOrEqual(leakFrom + 24 * HOUR);
    expect(leak[0]!.reason.facts.minLitersPerHour).toBe(12);
    expect(clears(events, 'leak')).toEqual([]); // it never stops

    // The leak is subtracted as a baseline: the person's silence is still seen.
    const noUsage = raises(events, 'no-usage');
    expect(summary(raises(events))).toEqual([expect.stringMatching(/^raise leak d14 /), expect.stringMatching(/^raise no-usage d15 /)]);
    expect(noUsage[0]!.observedAt - lastUse).toBeGreaterThanOrEqual(cfg.noUsage.minThresholdMs);
    expect(noUsage[0]!.observedAt).toBeLessThanOrEqual(stop + 4 * HOUR);
    expect(clears(events, 'no-usage')).toHaveLength(1);
    expect(clears(events, 'no-usage')[0]!.at).toBeLessThanOrEqual(resume + cadenceMin * MIN);
  });
});
