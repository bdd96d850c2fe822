// Surge (a tap left running, a burst pipe) and leak (flow that never stops), on top of a
// normal household, with the household's own long showers never mistaken for either.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
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

  it('15-min meter: a burst pipe at 25 L/min → surge on the first reading (short window), before the hourly volume says anything', () => {
    const h = household({ cadenceMin: 15, days: 16, seed: 3 });
    const start = at(14, '10:00');
    const stop = at(14, '11:00');
    h.tap(start, 25, stop);
    const { events } = drive(createDetector(cfg), h.readings());

    expect(summary(raises(events))).toEqual(['raise surge d14 10:15']);
    const raise = raises(events)[0]!;
    const usual = raise.reason.facts.usualLiters as number;
    expect(usual).toBeGreaterThan(100); // the daily shower
    expect(raise.reason.facts).toMatchObject({ windowMinutes: 15, thresholdLiters: Math.max(cfg.surge.shortLiters, Math.round(usual * cfg.surge.shortFactor)) });
    expect(raise.reason.facts.windowLiters as number).toBeGreaterThanOrEqual(375);
    expect(raise.reason.facts.windowLiters as number).toBeLessThan(cfg.surge.minHourLiters);
    expect(raise.reason.en).toMatch(/^\d+ L used in the last 15 min, far above this household's largest 15-min use/);
    expect(raise.reason.zh).toMatch(/^最近 15 分钟用水 \d+ 升/);
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

describe('surge: short window', () => {
  it('15-min meter: a burst at 18 L/min starting mid-interval → surge on the first whole interval (270 L), well before the hour fills', () => {
    const h = household({ cadenceMin: 15, days: 16, seed: 3 });
    const start = at(14, '10:07');
    h.tap(start, 18, at(14, '12:00'));
    const { events } = drive(createDetector(cfg), h.readings());
    // 10:15 holds 8 min (144 L): not yet; 10:30 holds 270 L.
    expect(summary(raises(events))).toEqual(['raise surge d14 10:30']);
    expect(raises(events)[0]!.reason.facts.windowLiters as number).toBeGreaterThanOrEqual(270);
  });

  it('1-min meter: a burst at 20 L/min → surge once 15 min hold 250 L (≈13 min), not after the hour fills', () => {
    const h = household({ cadenceMin: 1, days: 16, seed: 3 });
    const start = at(14, '10:00');
    h.tap(start, 20, at(14, '12:00'));
    const { events } = drive(createDetector(cfg), h.readings());
    expect(summary(raises(events))).toEqual([expect.stringMatching(/^raise surge d14 /)]);
    const raise = raises(events)[0]!;
    expect(raise.observedAt).toBeGreaterThan(start + 10 * MIN);
    expect(raise.observedAt).toBeLessThanOrEqual(start + 13 * MIN);
    expect(raise.reason.facts.windowLiters as number).toBeGreaterThanOrEqual(cfg.surge.shortLiters);
  });

  it("learned per household: a 270-L bath every evening never raises there, but does in a household that never bathes; a 30 L/min burst still raises", () => {
    const bath = (h: ReturnType<typeof household>, day: number) => h.tap(at(day, '19:00'), 18, at(day, '19:15'));
    const bather = household({ cadenceMin: 15, days: 16, seed: 3 });
    for (let day = 0; day < 16; day++) bath(bather, day);
    bather.tap(at(15, '10:00'), 30, at(15, '11:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, bather.readings());
    expect(summary(raises(events))).toEqual(['raise surge d15 10:15']);
    expect(meterOf(d, 'm-1').flow.learnedMaxShortL).toBeGreaterThanOrEqual(270);
    expect(raises(events)[0]!.reason.facts.thresholdLiters as number).toBeGreaterThanOrEqual(405);

    const other = household({ cadenceMin: 15, days: 16, seed: 3 });
    bath(other, 14);
    expect(summary(raises(drive(createDetector(cfg), other.readings()).events))).toEqual(['raise surge d14 19:15']);
  });

  it('cold start: a garden hose at 30 L/min for 20 min (450 L in 15 min, like Utah irrigation) raises nothing while learning', () => {
    const h = household({ cadenceMin: 1, days: 4, seed: 3 });
    h.tap(at(2, '18:00'), 30, at(2, '18:20'));
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());
    expect(Number.isNaN(meterOf(d, 'm-1').flow.learnedMaxShortL)).toBe(true);
    expect(summary(events)).toEqual([]);
  });
});

describe('surge: sustained run on a coarse meter', () => {
  it('15-min meter: a tap left running at 6.5 L/min → surge after 3 intervals (every whole one ≥ 6 L/min), one earlier than the generic run rule', () => {
    const h = household({ cadenceMin: 15, days: 16, seed: 3 });
    const start = at(14, '10:05');
    h.tap(start, 6.5, at(14, '14:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());

    expect(summary(raises(events))).toEqual(['raise surge d14 10:45']);
    const flow = meterOf(d, 'm-1').flow;
    expect(flow.learnedMaxSustainedMs).toBeLessThanOrEqual(30 * MIN);
    const facts = raises(events)[0]!.reason.facts;
    expect(facts).toMatchObject({ runMinutes: 45, thresholdMinutes: 45, usualMinutes: Math.round(flow.learnedMaxSustainedMs / MIN) });
    expect(facts.minLitersPerMinute as number).toBeGreaterThanOrEqual(6.5);
    expect(raises(events)[0]!.reason.en).toMatch(/^Water has flowed without stopping for 45 min \(\d+ L, at least [\d.]+ L\/min in every whole reading interval\)/);
    expect(clears(events, 'surge')).toHaveLength(1);
  });

  it('15-min meter: a trickle of 4.5 L/min is not "sustained": the generic run rule raises it, later', () => {
    const h = household({ cadenceMin: 15, days: 16, seed: 3 });
    h.tap(at(14, '10:05'), 4.5, at(14, '14:00'));
    const { events } = drive(createDetector(cfg), h.readings());
    expect(summary(raises(events))).toEqual([expect.stringMatching(/^raise surge d14 /)]);
    const raise = raises(events)[0]!;
    expect(raise.observedAt).toBeGreaterThanOrEqual(at(14, '11:00'));
    expect(raise.observedAt).toBeLessThanOrEqual(at(14, '11:15'));
    expect(raise.reason.facts.minLitersPerMinute).toBeUndefined();
  });

  it('learned per household: 45 min of garden watering at 8 L/min every evening never raises; a running tap there needs one interval more', () => {
    const h = household({ cadenceMin: 15, days: 16, seed: 3 });
    for (let day = 0; day < 16; day++) h.tap(at(day, '19:00'), 8, at(day, '19:45'));
    h.tap(at(14, '10:05'), 7, at(14, '14:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());
    expect(meterOf(d, 'm-1').flow.learnedMaxSustainedMs).toBe(45 * MIN);
    expect(summary(raises(events))).toEqual(['raise surge d14 11:00']);
    expect(raises(events)[0]!.reason.facts).toMatchObject({ runMinutes: 60, usualMinutes: 45, thresholdMinutes: 60 });
  });

  it('cold start: no shortcut while learning; a coarse run needs the cold limit plus one interval (45 + 15 min)', () => {
    const h = household({ cadenceMin: 15, days: 4, seed: 3 });
    h.tap(at(2, '10:05'), 7, at(2, '12:00'));
    const { events } = drive(createDetector(cfg), h.readings());
    expect(summary(raises(events))).toEqual(['raise surge d2 11:00']);
    expect(raises(events)[0]!.reason.facts).toMatchObject({ runMinutes: 60, thresholdMinutes: 60 });
    expect(raises(events)[0]!.reason.en).toContain('still learning');
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
    expect(noUsage[0]!.observedAt).toBeLessThan(resume); // the learned rule, long before the 12 h backstop
    expect(noUsage[0]!.reason.facts.model).toBe('learned');
    expect(clears(events, 'no-usage')).toHaveLength(1);
    expect(clears(events, 'no-usage')[0]!.at).toBeLessThanOrEqual(resume + cadenceMin * MIN);
  });
});
