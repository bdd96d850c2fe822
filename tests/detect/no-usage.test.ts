// No-usage: the rule that finds an incapacitated person. Learned per time of day after a week,
// a fixed 12 h backstop before that, never alarmed by the household's own routine.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import { HOUR, MIN, at, clears, drive, household, raises, show, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;
const margin = cfg.noUsage.marginMs;

describe('no-usage, learned routine', () => {
  it.each([1, 15, 60])('%i-min meter, 4 weeks learned: use stops at 10:00 → one raise within 4 h (+1 interval), past the normal gaps; clears on resumption', (cadenceMin) => {
    const h = household({ cadenceMin, days: 30, seed: 7 });
    const stop = at(28, '10:00');
    const resume = at(28, '16:00');
    h.silence(stop, resume).use(resume);
    const lastUse = h.lastUseBefore(stop);
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());

    expect(summary(raises(events))).toHaveLength(1);
    const [raise] = raises(events, 'no-usage');
    expect(raise, summary(events).join('\n')).toBeDefined();
    // Not before the latest end of a silence that was under way at that time of day on the
    // 28 learned days (the precedent), plus the margin; never under 2 h.
    const probe = show(lastUse + cfg.noUsage.precedentAfterMs).slice(-5);
    const normalEnd = at(28, '00:00') + h.latestSilenceEnd(0, 28, probe);
    expect(raise!.observedAt).toBeGreaterThanOrEqual(Math.max(lastUse + cfg.noUsage.minThresholdMs, normalEnd + margin));
    // Within 4 h, plus the one reporting interval a coarse meter needs to show the silence.
    expect(raise!.observedAt).toBeLessThanOrEqual(stop + 4 * HOUR + cadenceMin * MIN);
    expect(raise!.at).toBe(raise!.observedAt); // live delivery: arrival = data time
    // The reason names the last use and the silence in hours, in both languages.
    const since = raise!.reason.facts.lastUse as string;
    const hours = (raise!.reason.facts.silenceHours as number).toFixed(1);
    expect(since).toMatch(/^(09|10):\d\d$/);
    expect(raise!.reason.en).toContain(`No water used since ${since} (${hours} h)`);
    expect(raise!.reason.zh).toContain(`自 ${since} 起已 ${hours} 小时未用水`);
    expect(raise!.reason.facts.model).toBe('learned');
    expect(raise!.reason.en).toMatch(/silences that began around this time always ended by \d\d:\d\d|never silent for/);

    // Auto-resolve: the first interval that shows use again clears it.
    const cleared = clears(events, 'no-usage');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.at).toBeGreaterThan(resume);
    expect(cleared[0]!.at).toBeLessThanOrEqual(resume + cadenceMin * MIN);
  });

  it.each([1, 15, 60])('%i-min meter: incapacitated at night (last use 22:00) → raised after the usual first use, before wake + 3 h', (cadenceMin) => {
    const h = household({ cadenceMin, days: 16, seed: 7, wake: '06:30' });
    h.silence(at(14, '22:00'), at(15, '12:00')).use(at(15, '12:00'));
    expect(h.lastUseBefore(at(15, '12:00'))).toBe(at(14, '22:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());

    const all = raises(events);
    expect(summary(all)).toEqual([expect.stringMatching(/^raise no-usage d15 /)]);
    const raise = all[0]!;
    // The latest first use of any learned morning, as a clock time on day 15.
    const latestFirst = Math.max(...h.firstUse.slice(0, 14).map((t, day) => t - day * 24 * HOUR)) + 15 * 24 * HOUR;
    expect(raise.observedAt).toBeGreaterThan(latestFirst);
    // Before wake + 3 h, plus the one reporting interval a coarse meter needs to show it.
    expect(raise.observedAt).toBeLessThan(at(15, '09:30') + cadenceMin * MIN);
    expect(raise.reason.en.startsWith('Usually first uses water by ')).toBe(true);
    expect(raise.reason.en).toContain('last use 22:00');
    expect(raise.reason.zh).toContain('平时通常在');
    expect(raise.reason.facts.lastUse).toBe('22:00');
    expect(clears(events, 'no-usage')).toHaveLength(1);
  });
});

describe('no-usage while learning (backstop)', () => {
  it('day 2: 12 h of silence raises at exactly 12 h; normal 8.5–9.3 h nights do not', () => {
    // Night 1 is 30 min longer than usual (late waking); use stops at 10:00 on day 2.
    const h = household({ cadenceMin: 1, days: 4, seed: 2, lateWakeDays: [1], lateWakeMin: 30 });
    h.silence(at(2, '09:00'), at(3, '08:00')).use(at(2, '09:59')).use(at(3, '08:00'));
    expect(h.firstUse[1]! - h.lastUseBefore(at(1, '03:00'))).toBeGreaterThanOrEqual(9 * HOUR);
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());

    expect(summary(raises(events))).toEqual(['raise no-usage d2 22:00']);
    const raise = raises(events)[0]!;
    expect(raise.observedAt - at(2, '10:00')).toBe(cfg.noUsage.backstopMs);
    expect(raise.reason.facts).toMatchObject({ lastUse: '10:00', silenceHours: 12, thresholdHours: 12, model: 'backstop' });
    expect(raise.reason.en).toContain('still learning');
    expect(summary(clears(events))).toEqual(['clear no-usage d3 08:01']);
    expect(meterOf(d, 'm-1').routine.learnedDays).toBeLessThan(cfg.minHistoryDays); // still learning on day 3
  });

  it('a normal night on day 1 (8–9 h) raises nothing', () => {
    const h = household({ cadenceMin: 1, days: 2, seed: 4, wake: '07:00', sleep: '22:00' });
    const { events } = drive(createDetector(cfg), h.readings());
    expect(events).toEqual([]);
  });
});

describe('no false alarm over 4 normal weeks', () => {
  it.each([1, 15, 60])('%i-min meter: 28 days with late mornings (+1 h) and 3-hour outings → zero alerts', (cadenceMin) => {
    // The variation first shows in the learning week (days 2 and 3) and repeats every week.
    const h = household({
      cadenceMin,
      days: 28,
      seed: 11,
      lateWakeDays: [2, 9, 16, 23],
      outings: [3, 10, 17, 24].map((day) => ({ day, from: '14:00', hours: 3 })),
    });
    expect(h.firstUse[9]).toBeGreaterThanOrEqual(at(9, '07:30'));
    expect(h.firstUseAfter(at(17, '14:00')) - h.lastUseBefore(at(17, '14:00'))).toBe(3 * HOUR);
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings(), { tickMs: 5 * MIN, until: at(28, '00:00') });
    expect(summary(events)).toEqual([]);
    expect(meterOf(d, 'm-1').routine.learnedDays).toBeGreaterThanOrEqual(cfg.minHistoryDays); // learned, not the backstop
  });
});
