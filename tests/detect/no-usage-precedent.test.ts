// No-usage judged by when the silence began: an evening silence alerts before the night, a
// day out that once raised an alert is learned, and the household's night is learned from
// its data, so a wrong time-zone setting does not break the morning check.
import { describe, expect, it } from 'vitest';
import { DetectorConfigSchema, defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import { HOUR, MIN, at, clears, drive, household, raises, show, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

describe('no-usage, judged by when the silence began', () => {
  it.each([1, 15])('%i-min meter: last use 19:00, nothing all evening → raised before midnight, not the next morning', (cadenceMin) => {
    // Up 06:30–22:00 with 2–4 uses an hour: every evening ends with a use just before 22:00.
    const h = household({ cadenceMin, days: 30, seed: 5 });
    h.silence(at(28, '19:00'), at(29, '12:00')).use(at(29, '12:00'));
    const lastUse = h.lastUseBefore(at(28, '19:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());

    expect(summary(raises(events))).toEqual([expect.stringMatching(/^raise no-usage d28 2[0-3]:/)]);
    const raise = raises(events, 'no-usage')[0]!;
    // Not before the latest end of the learned evenings' quiet spells (the 22:00 use) + margin.
    const normalEnd = at(28, '00:00') + h.latestSilenceEnd(0, 28, show(lastUse + cfg.noUsage.precedentAfterMs).slice(-5));
    expect(normalEnd).toBeLessThanOrEqual(at(28, '22:00'));
    expect(raise.observedAt).toBeGreaterThanOrEqual(normalEnd + cfg.noUsage.marginMs);
    expect(raise.reason.facts.latestUsualEnd).toMatch(/^2[01]:\d\d$/);
    expect(raise.reason.en).toContain('silences that began around this time always ended by');
    expect(raise.reason.zh).toContain('在这个时间开始的安静最晚到');
    expect(clears(events, 'no-usage')).toHaveLength(1);
  });

  it('a young model (8 learned days) waits longer than a mature one (28) for the same silence', () => {
    // Two copies of one household (same seed, same routine); each goes silent once.
    const young = household({ cadenceMin: 1, days: 30, seed: 5 }).silence(at(8, '10:00'), at(8, '18:00'));
    const mature = household({ cadenceMin: 1, days: 30, seed: 5 }).silence(at(28, '10:00'), at(28, '18:00'));
    const first = (hh: typeof young, day: number) => {
      const rs = raises(drive(createDetector(cfg), hh.readings()).events, 'no-usage');
      expect(summary(rs)).toEqual([expect.stringMatching(new RegExp(`^raise no-usage d${day} `))]);
      return { after: rs[0]!.observedAt - hh.lastUseBefore(at(day, '10:00')), facts: rs[0]!.reason.facts };
    };
    const y = first(young, 8);
    const m = first(mature, 28);
    expect(y.facts.learnedDays).toBe(8);
    expect(m.facts.learnedDays).toBe(28);
    // Same time of day, at least as long a precedent in 28 days as in 7: only the margin (×1.9 vs ×1) can make it later.
    expect(y.after).toBeGreaterThan(m.after);
  });

  it('a day out that raised an alert is learned: the same day out two weeks later raises nothing', () => {
    // Learned from days 0–8; on day 9 the household goes out 09:00–16:00 for the first time.
    const outing = (day: number) => ({ day, from: '09:00', hours: 7 });
    const h = household({ cadenceMin: 1, days: 24, seed: 9, outings: [outing(9), outing(16), outing(23)] });
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());

    // The first one is unprecedented: one alert, cleared by the handwash on return at 16:00.
    expect(summary(raises(events))).toEqual([expect.stringMatching(/^raise no-usage d9 1[1-5]:/)]);
    expect(summary(clears(events))).toEqual(['clear no-usage d9 16:01']);
    // It taught the model: the next ones (days 16 and 23) are normal.
    expect(meterOf(d, 'm-1').routine.learnedDays).toBeGreaterThanOrEqual(14);
  });

  it('an absence-length silence (a trip) is not learned: the next long silence still alerts', () => {
    // Days 5–6: away for 30 h (no use from 09:00 day 5 to 15:00 day 6); day 12: silent from 10:00.
    const h = household({ cadenceMin: 1, days: 14, seed: 13 });
    h.silence(at(5, '09:00'), at(6, '15:00')).use(at(6, '15:00'));
    h.silence(at(12, '10:00'), at(13, '10:00')).use(at(13, '10:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());
    const rs = summary(raises(events, 'no-usage'));
    expect(rs).toHaveLength(2);
    expect(rs[0]).toMatch(/^raise no-usage d5 2[01]:/); // the 12 h backstop while learning
    expect(rs[1]).toMatch(/^raise no-usage d12 1[2-4]:/); // learned, daytime: the trip taught nothing
  });
});

describe('no-usage, the night is learned from the data', () => {
  it.each([480, 120, -300])('configured UTC offset %i min (the true one is +480): a night-time incapacitation is still raised after the usual first use, by wake + 3 h', (utcOffsetMinutes) => {
    const shifted = DetectorConfigSchema.parse({ utcOffsetMinutes });
    const h = household({ cadenceMin: 15, days: 16, seed: 7, wake: '06:30' });
    h.silence(at(14, '22:00'), at(15, '12:00')).use(at(15, '12:00'));
    const d = createDetector(shifted);
    const { events } = drive(d, h.readings());

    expect(summary(raises(events))).toEqual([expect.stringMatching(/^raise no-usage d15 0[7-9]:/)]);
    const raise = raises(events, 'no-usage')[0]!;
    const latestFirst = Math.max(...h.firstUse.slice(0, 14).map((t, day) => t - day * 24 * HOUR)) + 15 * 24 * HOUR;
    expect(raise.observedAt).toBeGreaterThan(latestFirst);
    expect(raise.observedAt).toBeLessThan(at(15, '09:30') + 15 * MIN);
    // The learned middle of the night is 02:15 true time, whatever the clock setting says.
    const mid = meterOf(d, 'm-1').routine.nightMidMin;
    const trueMid = (mid - (utcOffsetMinutes - 480) + 2880) % 1440;
    expect(trueMid).toBeGreaterThanOrEqual(90);
    expect(trueMid).toBeLessThanOrEqual(180);
    expect(raise.reason.en.startsWith('Usually first uses water by ')).toBe(true);
  });
});
