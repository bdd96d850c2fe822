// Guards the fix of a pulse counter wrap taken for a reset (rollover.ts), found by the detector
// bug hunt.
//
// Scenario: a retrofit NB-IoT module counts the meter's 10 L reed pulses in a 16-bit counter
// and reports totalLiters = pulses × 10, so its register wraps from 655,350 L to 0 (after ~5
// years in an elder's home). Here it wraps on day 4 at 10:00.
//
// What the grid worker saw before the fix: a data-fault "数据异常：读数倒退（计数器复位或换表）（-655xxx 升）"
// for an ordinary, expected wrap; the readings until the new value was confirmed three times
// were thrown away as faults (the water used in those hours never counted), and then the
// register was "rebased" as if the meter had been swapped.
//
// What happens now: a drop from just below a wrap point (a power of ten of litres, or a 16-,
// 24- or 32-bit counter of the register's step) to just above 0, whose wrapped difference is
// an amount of water the interval could hold, is a rollover: the water across it is counted as
// use and no data-fault is raised.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { drive, household, raises, summary } from './timeline.ts';

describe('a 16-bit pulse counter that wraps', () => {
  it('is a rollover, not a data-fault, and no reading is thrown away', () => {
    const h = household({ cadenceMin: 60, days: 6, seed: 5, startLiters: 654_000 });
    const WRAP = 65_536 * 10;
    const rs = h.readings().map((r) => ({ ...r, totalLiters: (Math.floor(r.totalLiters / 10) % 65_536) * 10 }));
    const wrapAt = rs.findIndex((r, i) => i > 0 && r.totalLiters < rs[i - 1]!.totalLiters);
    expect(wrapAt).toBeGreaterThan(0);
    expect(rs[wrapAt - 1]!.totalLiters).toBeGreaterThan(WRAP - 200);
    const { events, verdicts } = drive(createDetector(cfg), rs);
    expect(raises(events, 'data-fault'), summary(raises(events)).join('\n')).toEqual([]);
    expect(verdicts.filter((v) => v === 'fault')).toEqual([]);
  });
});
