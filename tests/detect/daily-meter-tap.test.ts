// Scenario: a meter that reads its register once a day, at midnight (common for NB-IoT meters
// on a "daily frozen reading" plan). The household uses about 300–400 L a day. On day 16 at
// 08:00 a tap is left running at 6 L/min (a tap not turned off after a fall, a hose).
//
// Guards the fix (found by the detector bug hunt). What the grid worker /
// family saw before it: the reading at day 17 00:00 shows ~6,000 L in one
// day — about 15 times the household's largest day — and nothing is raised. The hour rule
// prorates the day to ~250 L/h (< its 500 L floor) and the steady rule waits for the
// household's longest streak plus two whole intervals (48 h), so the surge comes only with the
// day-18 reading, after ~15,000 L (40 h of running water).
//
// What happens now (flow-rules.ts checkSurge): on a meter read less often than hourly the hour
// rule's 500 L floor is the interval's, so a daily reading that is many times any day this
// household has had is a surge at that reading.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { MIN, at, drive, household, raises, show, summary } from './timeline.ts';

describe('a once-a-day meter', () => {
  it('a day with ~15× the household\'s largest daily use is raised at that day\'s reading', () => {
    const h = household({ cadenceMin: 1440, days: 20, seed: 5 });
    h.tap(at(16, '08:00'), 6, at(19, '00:00'));
    const rs = h.readings();
    const day17 = rs.find((r) => r.ts === at(17, '00:00'))!;
    const day16 = rs.find((r) => r.ts === at(16, '00:00'))!;
    const day15 = rs.find((r) => r.ts === at(15, '00:00'))!;
    expect(day17.totalLiters - day16.totalLiters).toBeGreaterThan(10 * (day16.totalLiters - day15.totalLiters));
    const { events } = drive(createDetector(cfg), rs);
    expect(raises(events).filter((e) => e.at < at(16, '00:00'))).toEqual([]);
    const alarm = raises(events).find((e) => (e.type === 'surge' || e.type === 'leak') && e.at >= at(16, '08:00'));
    expect(alarm, summary(raises(events)).join('\n')).toBeDefined();
    expect(alarm!.at, show(alarm!.at)).toBeLessThanOrEqual(at(17, '00:00') + MIN);
  });
});
