// A low-rate tap left running on a coarse meter (issue 9: 2–5 L/min for 7 h on a 15-min meter
// was missed): every interval holds a tap's worth of water, whatever the run rule says.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { HOUR, at, drive, household, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

describe('steady flow on coarse meters', () => {
  it.each([
    [15, 2],
    [15, 3.5],
    [60, 2.5],
  ])('%i-min meter, tap at %d L/min for 7 h after 3 weeks → one surge within 3 h, saying every interval held water', (cadenceMin, lpm) => {
    const h = household({ cadenceMin, days: 24, seed: 5 });
    const from = at(22, '14:00');
    h.tap(from, lpm, from + 7 * HOUR);
    const { events } = drive(createDetector(cfg), h.readings());
    const surges = raises(events, 'surge').filter((e) => e.at >= from);
    expect(surges, summary(events).join('\n')).toHaveLength(1);
    expect(surges[0]!.observedAt - from).toBeLessThanOrEqual(3 * HOUR);
    expect(surges[0]!.reason.zh).toMatch(/水龙头未关/);
  });

  it('the same households without the tap raise no surge in 3 weeks', () => {
    for (const cadenceMin of [15, 60]) {
      const h = household({ cadenceMin, days: 24, seed: 5 });
      expect(raises(drive(createDetector(cfg), h.readings()).events, 'surge')).toEqual([]);
    }
  });
});
