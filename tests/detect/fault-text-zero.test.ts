// Guards the fix of a data-fault text that said two readings differ by 0 L (explain.ts
// explainFault), found by the detector bug hunt.
//
// Scenario: a fine (1 mL) 15-minute meter stamps its readings to the minute; after a QoS 1
// retry it re-sends its 10:00 reading with the register read again a moment later, 0.3 L more
// (a tap was running). Two values for one instant are a data-fault by design (README).
//
// What the grid worker saw before the fix: "数据异常：同一时刻出现两个不同读数（0 升）" / "(0 L)" —
// two "different" readings that differ by 0 litres. explainFault rounded the difference to
// whole litres, so any discrepancy under 0.5 L (most of them, on a fine meter) read as zero, and
// facts.deltaLiters was 0.
//
// What happens now: the figure shown is the actual difference (0.3 升), never 0: whole litres
// from 10 L, tenths below, millilitres below a tenth.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { at, drive, duplicate, household, raises, summary } from './timeline.ts';

describe('a conflicting re-send on a fine meter', () => {
  it('the data-fault text does not say the two readings differ by 0 L', () => {
    const h = household({ cadenceMin: 15, days: 3, seed: 5 });
    const rs = duplicate(h.readings(), at(1, '10:00'), 0.3);
    const { events } = drive(createDetector(cfg), rs);
    const [fault] = raises(events, 'data-fault');
    expect(fault, summary(events).join('\n')).toBeDefined();
    expect(fault!.reason.facts.fault).toBe('conflicting-duplicate');
    expect(fault!.reason.zh).not.toMatch(/（-?0 升）/);
    expect(fault!.reason.en).not.toMatch(/\(-?0 L\)/);
    expect(fault!.reason.facts.deltaLiters).not.toBe(0);
    expect(fault!.reason.zh).toMatch(/（0\.3 升）/);
    expect(fault!.reason.facts.deltaLiters).toBe(0.3);
  });
});
