// Scenario: a cistern leak of 3 L/h starts on day 9 and is reported (leak alert). Nobody fixes
// it — common for an elder living alone — and it gets worse, as worn flappers do: from day 13
// it runs at 12 L/h. On day 17 at 10:00 the elder stops using water (a fall).
//
// Guards the fix (found by the detector bug hunt). What the family / grid
// worker saw before it: the leak alert of day 9 and then nothing. The leak
// rule subtracts the rate it saw when it raised (baselineLpm = 0.05 L/min) for as long as the
// leak stays active; the extra 9 L/h is "use" in every interval (the drip learner is capped at
// the leak floor, 2.4 L/h), so the silence never begins and the fall is never reported. The
// same home with a constant 12 L/h leak from day 9 is found at 14:00 (the control below).
//
// What happens now (flow-rules.ts followLeak): the leak's share keeps following the leak's actual
// lowest rate, so the incapacitation is found within the hard cap whether the leak grew or not.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { MIN, at, drive, household, raises, summary } from './timeline.ts';

function run(cadenceMin: number, grows: boolean) {
  const h = household({ cadenceMin, days: 20, seed: 5 });
  const stop = at(17, '10:00');
  h.silence(stop);
  if (grows) h.leak(0.05, at(9, '00:00'), at(13, '00:00')).leak(0.2, at(13, '00:00'));
  else h.leak(0.2, at(9, '00:00'));
  const { events } = drive(createDetector(cfg), h.readings(), { tickMs: 10 * MIN, until: h.end });
  return { events, stop, nu: raises(events, 'no-usage').filter((e) => e.at >= stop) };
}

describe('a reported leak that gets worse', () => {
  it.each([15, 60])('%i-min meter: a fall after the leak grew from 3 to 12 L/h is still found', (cadenceMin) => {
    // Control: a leak that was 12 L/h from the start does not hide the fall.
    expect(run(cadenceMin, false).nu.length).toBeGreaterThan(0);
    const { events, stop, nu } = run(cadenceMin, true);
    expect(raises(events, 'leak').length).toBeGreaterThan(0);
    expect(nu.length, summary(raises(events)).join('\n')).toBeGreaterThan(0);
    expect(nu[0]!.at - stop).toBeLessThanOrEqual(cfg.noUsage.hardCapMs + cadenceMin * MIN);
  });
});
