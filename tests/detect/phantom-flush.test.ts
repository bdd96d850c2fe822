// Scenario: a "phantom flush" — the commonest toilet leak. A worn flapper lets the cistern
// drain slowly, and every 15–25 minutes, day and night, the fill valve tops it up with about a
// litre (≈ 70 L/day, 25 m³ a year). It starts on day 10. On day 15 at 10:00 the elder stops
// using water (a fall); the cistern goes on refilling by itself.
//
// Guards the fix (found by the detector bug hunt). What the family / grid
// worker saw before it on 1-, 5- and 15-minute meters: each refill is ≥ 0.5 L
// in one interval, so it counts as "use" — the silence never gets longer than ~25 min and the
// fall is never reported. The drip learner (drip.ts) only knows a trickle that is in *every*
// interval, and the leak rule needs water in every interval, so on 1- and 5-minute meters no
// leak is ever reported either (on 15-minute meters a leak is raised, but the share it subtracts
// does not cover an interval that holds two refills, so the silence still never begins).
//
// What happens now (refill.ts): once the register has not stood still for 30 min (a leak at the
// floor moves it a litre every 25 min) for 22 h, its refills are background, drawn from a credit
// (0.06 L/min, ≤ 1.5 L), not use, so the incapacitation is found as in any other home; and on 1-
// and 5-minute meters that streak is reported as a leak.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { DAY, MIN, at, drive, household, prng, raises, summary } from './timeline.ts';

function withPhantomFlush(cadenceMin: number) {
  const h = household({ cadenceMin, days: 18, seed: 5 });
  const stop = at(15, '10:00');
  h.silence(stop);
  const rand = prng(7);
  // 1 L refill over one minute, every 15–24 min, from day 10 on.
  for (let t = at(10, '00:00'); t < h.end; t += (15 + Math.floor(rand() * 10)) * MIN) h.tap(t, 1, t + MIN);
  return { h, stop };
}

describe('a cistern that refills by itself every 15–25 minutes', () => {
  it.each([1, 5, 15])('%i-min meter: the elder who stops using water is still found', (cadenceMin) => {
    const { h, stop } = withPhantomFlush(cadenceMin);
    const { events } = drive(createDetector(cfg), h.readings(), { tickMs: 10 * MIN, until: h.end });
    const nu = raises(events, 'no-usage').filter((e) => e.at >= stop);
    expect(nu.length, summary(raises(events)).join('\n') || '(no alert at all)').toBeGreaterThan(0);
    expect(nu[0]!.at - stop).toBeLessThanOrEqual(cfg.noUsage.hardCapMs + cadenceMin * MIN);
  });

  it.each([1, 5])('%i-min meter: ~70 L/day of refills is reported as a leak within two days', (cadenceMin) => {
    const { h } = withPhantomFlush(cadenceMin);
    const { events } = drive(createDetector(cfg), h.readings(), { tickMs: 10 * MIN, until: at(15, '00:00') });
    const leak = raises(events, 'leak').filter((e) => e.at >= at(10, '00:00'));
    expect(leak.length, summary(raises(events)).join('\n') || '(no alert at all)').toBeGreaterThan(0);
    expect(leak[0]!.at - at(10, '00:00')).toBeLessThanOrEqual(2 * DAY);
  });
});
