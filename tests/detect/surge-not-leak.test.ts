// A shower left running for a day (a fall) is one surge. Once it stops, the never-dry streak it
// made is not a leak's: before, a "25 h without a dry interval" leak followed about the same water
// (5 of sim-15min's 9 leak alerts). A real leak after a surge is still found, one window later.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { HOUR, at, drive, household, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

describe('a surge that ends is not then a leak', () => {
  it.each([1, 15, 60])('%i-min meter: a shower running 24 h → one surge, no leak', (cadenceMin) => {
    const h = household({ cadenceMin, days: 26, seed: 3 });
    const from = at(22, '08:01');
    h.tap(from, 8, from + 24 * HOUR);
    const { events } = drive(createDetector(cfg), h.readings());
    const after = (type: 'surge' | 'leak') => raises(events, type).filter((e) => e.at >= from);
    expect(after('surge'), summary(events).join('\n')).toHaveLength(1);
    expect(after('leak'), summary(events).join('\n')).toEqual([]);
  });

  it('a cistern leaking 0.2 L/min from when the shower stops is still a leak within a day', () => {
    const h = household({ cadenceMin: 15, days: 26, seed: 3 });
    const from = at(22, '08:01');
    h.tap(from, 8, from + 6 * HOUR);
    h.tap(from + 6 * HOUR, 0.2, at(25, '08:00'));
    const { events } = drive(createDetector(cfg), h.readings());
    const leaks = raises(events, 'leak').filter((e) => e.at >= from);
    expect(leaks, summary(events).join('\n')).toHaveLength(1);
    expect(leaks[0]!.observedAt - (from + 6 * HOUR)).toBeLessThanOrEqual(24 * HOUR);
  });
});
