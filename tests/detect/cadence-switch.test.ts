// Guards the fix of a cadence change flapping offline (cadence-change.ts), found by the
// detector bug hunt.
//
// Scenario: a fleet firmware update moves a 15-minute meter to hourly reporting (to save
// battery) on day 8 at 10:00. From then on it reports every hour, on the hour, without fail.
//
// What the grid worker saw before the fix: five offline alerts in five hours, each saying
// "水表通常每 15 分钟上报一次，已 45 分钟未上报", each cleared 15 minutes later by the next hourly
// reading — until the median of the last nine delivery gaps had become an hour. The offline
// rule kept waiting 3 × 15 min although the meter had shown, again and again, that it now
// reports hourly.
//
// What happens now: the first hour raises offline (a fair question); a meter back from an
// outage is waited for that outage's gap once more, and back again after the same gap it has a
// new interval. A meter back on its old interval spends that wait at its next delivery: its
// next outage is found at the usual three intervals.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { HOUR, MIN, at, dropGap, drive, household, raises, summary } from './timeline.ts';

describe('a meter whose cadence changes from 15 min to hourly', () => {
  it('is reported offline at most once for the change', () => {
    const h = household({ cadenceMin: 15, days: 12, seed: 5 });
    const update = at(8, '10:00');
    const rs = h.readings().filter((r) => r.ts <= update || (r.ts - at(0, '00:00')) % HOUR === 0);
    const { events } = drive(createDetector(cfg), rs, { tickMs: MIN, until: h.end });
    expect(raises(events, 'offline').filter((e) => e.at < update)).toEqual([]);
    const after = raises(events, 'offline').filter((e) => e.at >= update);
    expect(after.length, summary(events.filter((e) => e.type === 'offline')).join('\n')).toBeLessThanOrEqual(1);
  });

  it('a meter back from an outage on its old interval is found offline at the usual time next time', () => {
    const h = household({ cadenceMin: 15, days: 12, seed: 5 });
    const rs = dropGap(dropGap(h.readings(), at(5, '10:01'), at(5, '13:00')), at(6, '10:01'), at(7, '00:00'));
    const { events } = drive(createDetector(cfg), rs, { tickMs: MIN, until: h.end });
    expect(raises(events, 'offline').map((e) => e.at)).toEqual([at(5, '10:45'), at(6, '10:45')]);
  });
});
