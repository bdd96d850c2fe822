// Scenario: on day 10 at 22:00 a tap is left running (8 L/min). A surge is raised at once; the
// grid worker comes in the morning and turns it off at 09:00 on day 11. Five days later, on
// day 16 at 10:00, the tap is left running again, this time for 10 hours (4,800 L).
//
// Guards the fix (found by the detector bug hunt). What the grid worker /
// family saw before it on 1- and 15-minute meters: the first surge, and then nothing for the
// second one. Only the day the surge was *raised* on is excluded from
// learning (excludeFlowToday at the raise); when the run ends on day 11 (learnable), its whole
// 11-hour length is recorded as day 11's longest run (and its litres as the hour maximum), so
// learnedMaxRunMs becomes 660 min and for four weeks no run shorter than ~14 h is a surge.
//
// What happens now: every day a raised surge spans is kept out of learning (flow-rules.ts
// checkSurge), so water that ran during an alerted surge is never learned as the household's
// normal, whichever day it ended on; the second tap is a surge within the hour.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import { HOUR, MIN, at, drive, household, raises, show, summary } from './timeline.ts';

describe('a surge that runs past midnight', () => {
  it.each([1, 15])('%i-min meter: the next tap left running is still a surge', (cadenceMin) => {
    const h = household({ cadenceMin, days: 20, seed: 5 });
    h.tap(at(10, '22:00'), 8, at(11, '09:00'));
    const second = at(16, '10:00');
    h.tap(second, 8, at(16, '20:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, h.readings());
    const surges = raises(events, 'surge');
    expect(surges.some((e) => e.at >= at(10, '22:00') && e.at < at(11, '00:00')), summary(surges).join('\n')).toBe(true);
    const again = surges.filter((e) => e.at >= second);
    expect(again.length, `${summary(surges).join('\n')}\nlearned longest run: ${meterOf(d, h.meterId).flow.learnedMaxRunMs / MIN} min`).toBeGreaterThan(0);
    expect(again[0]!.at - second, show(again[0]!.at)).toBeLessThanOrEqual(HOUR);
  });
});
