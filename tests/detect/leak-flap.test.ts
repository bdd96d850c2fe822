// Scenario: a cistern that refills itself (a worn flapper: about a litre every 15–25 min, day and
// night, ≈ 70 L a day) from day 10; a plumber fixes it on day 14 at 10:00.
//
// What the grid worker and family saw before the fix: on an hourly meter the leak was raised in
// the evening and cleared a few hours later, night after night, and cleared for good on day 17
// while the cistern still leaked (an hour with only two refills, 2 L, is below the 2.4 L/h leak
// floor, and the flowing-leak rule cleared at the first interval below it); on a 15-minute meter
// it was raised, cleared 15 minutes later at the first dry quarter-hour, and never raised again
// (for some households not at all: the rule needs an unbroken streak of wet quarter-hours).
// Now a flowing leak clears only once the register has stood still for longer than a leak at the
// floor takes to move it (flow-rules.ts stoodStill), and on 15-minute meters too a register that
// has not been still for 22 h, with dry intervals between its lumps, is a leak (refill.ts).
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { HOUR, MIN, at, drive, household, prng, summary } from './timeline.ts';

const FROM = at(10, '00:00');
const FIXED = at(14, '10:00');

describe('a cistern that refills itself, then is fixed', () => {
  it.each([
    [1, 1],
    [5, 2],
    [15, 3],
    [15, 4],
    [15, 8],
    [60, 5],
    [60, 9],
  ])('%i-min meter (household %i): one leak alert while it leaks, raised within 26 h, cleared after the fix', (cadenceMin, seed) => {
    const h = household({ cadenceMin, days: 16, seed });
    const rand = prng(seed * 31);
    for (let t = FROM; t < FIXED; t += (15 + Math.floor(rand() * 10)) * MIN) h.tap(t, 1, t + MIN);
    const { events } = drive(createDetector(cfg), h.readings(), { tickMs: 10 * MIN, until: h.end });
    const leak = events.filter((e) => e.type === 'leak');
    const story = summary(events.filter((e) => e.type !== 'battery-low')).join('\n') || '(no alert at all)';
    expect(leak.map((e) => e.kind), story).toEqual(['raise', 'clear']);
    expect(leak[0]!.at - FROM, story).toBeLessThanOrEqual(26 * HOUR);
    expect(leak[1]!.at, story).toBeGreaterThan(FIXED);
    expect(leak[1]!.at - FIXED, story).toBeLessThanOrEqual(24 * HOUR);
  });
});
