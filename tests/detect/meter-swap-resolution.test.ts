// Guards the fix of a meter swap to a coarser register (register-step.ts forgetStep on
// 'rebased'), found by the detector bug hunt.
//
// Scenario: a household's fine (0.1 L) meter is replaced on day 14 by a cheaper pulse meter
// whose register steps in 100 L (0.1 m³), starting at 0 — a routine swap in a retrofit fleet.
//
// What the grid worker / family saw before the fix: the swap is recognised (counter-reset, then
// rebased), but the register step learned from the old meter was kept ("one delta that is not a
// multiple lowers it for good"): the new register's 100 L steps were never taken for what they
// are. So no-usage stayed on for a register that cannot show a day's uses, and false no-usage
// alerts came several times a week (8 in the 26 days after the swap). The same meter installed
// from the start gets the data-fault "水表读数每次跳变 100 升，分辨率太低…" and no no-usage.
//
// What happens now: a new register (rebased) learns its own step; within a few days of the
// swap the coarse-register data-fault is raised and no-usage no longer fires on it.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { DAY, at, drive, household, raises, resetCounter, summary } from './timeline.ts';

describe('a meter swapped for a 100 L pulse meter', () => {
  it('is treated like a 100 L register from the start: data-fault, no false no-usage', () => {
    const h = household({ cadenceMin: 60, days: 40, seed: 5 });
    const swap = at(14, '10:00');
    const rs = resetCounter(h.readings(), swap).map((r) => (r.ts >= swap ? { ...r, totalLiters: Math.floor(r.totalLiters / 100) * 100 } : r));
    const { events } = drive(createDetector(cfg), rs);
    const coarse = raises(events, 'data-fault').find((e) => e.at > swap && e.reason.facts.registerStepLiters === 100);
    expect(coarse, summary(raises(events, 'data-fault')).join('\n')).toBeDefined();
    const nu = raises(events, 'no-usage').filter((e) => e.at > swap + 5 * DAY);
    expect(nu, summary(nu).join('\n')).toEqual([]);
  });
});
