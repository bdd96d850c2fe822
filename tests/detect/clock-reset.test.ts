// Guards the fix of a meter clock that jumps far off (clock.ts farClockMs), found by the
// detector bug hunt.
//
// Scenario: an hourly NB-IoT meter has worked for 12 days; then its real-time clock is reset
// (a battery swap or brown-out puts the RTC back to its firmware date, here 400 days in the
// past), or the clock jumps 13 h ahead (a wrong time-zone pushed by the carrier). The meter
// keeps uploading every hour, on time. On day 15 at 10:00 the elder stops using water (a fall).
//
// What the grid worker / family saw before the fix: nothing, ever. The skew is beyond
// clock.maxCorrectionMs (12 h), so the offset estimate is forced to 0 and checkClock (which
// only looked at the applied offset) never raised its data-fault; every reading is then 'late'
// (behind the register) or 'implausible' (in the future) and is dead-lettered, but each arrival
// still clears 'offline'. No data-fault, no offline, no no-usage: the home was silently
// unmonitored while the dashboard showed a healthy meter.
//
// What happens now: a lag beyond any correction that holds steady over at least four messages
// and an hour of arrivals raises a data-fault saying the clock is wrong and the home is not
// watched (here at 03:00, three hours after the clock broke). A backlog uploaded after days
// offline, whose lags climb towards zero as it catches up, does not.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { DAY, HOUR, MIN, at, drive, household, raises, summary } from './timeline.ts';

describe('a meter clock that jumps far off', () => {
  it.each([
    ['reset 400 days into the past', -400 * DAY],
    ['13 h fast', 13 * HOUR],
  ])('clock %s: a data-fault is raised, the home is not silently unwatched', (_n, skew) => {
    const h = household({ cadenceMin: 60, days: 18, seed: 5 });
    h.silence(at(15, '10:00'));
    const broken = at(12, '00:00');
    // Arrival times stay real; only the meter's stamps are wrong from day 12 on.
    const rs = h.readings().map((r) => (r.ts >= broken ? { ...r, ts: r.ts + skew } : r));
    const { events, verdicts } = drive(createDetector(cfg), rs, { tickMs: 10 * MIN, until: at(18, '00:00') });
    const after = raises(events).filter((e) => e.at >= broken);
    // Sanity: the readings are really being thrown away.
    expect(verdicts.filter((v) => v === 'late' || v === 'implausible').length).toBeGreaterThan(100);
    const fault = raises(events, 'data-fault').find((e) => e.at >= broken && e.at <= broken + 6 * HOUR);
    expect(fault, `raised after the clock broke:\n${summary(after).join('\n') || '(nothing at all)'}`).toBeDefined();
  });

  it('a 1-min meter back after two days offline, uploading its backlog one reading every 3 s: no clock data-fault', () => {
    const h = household({ cadenceMin: 1, days: 10, seed: 11 });
    const down = at(7, '10:00');
    const back = at(9, '10:00');
    let t = back;
    // Live until day 7 10:00; from day 9 10:00 the 48 h backlog comes oldest first, each
    // message's lag climbing by 57 s (over 1.9 h of arrivals beyond 12 h behind); then live.
    const rs = h.readings().map((r) => (r.ts <= down ? r : r.ts <= back ? { ...r, receivedAt: (t += 3000) } : { ...r, receivedAt: Math.max(r.ts, t) + 1000 }));
    const { events, verdicts } = drive(createDetector(cfg), rs);
    expect(verdicts.filter((v) => v === 'accepted').length).toBeGreaterThan(2800);
    expect(raises(events, 'data-fault').filter((e) => e.reason.facts.fault === 'clock-far-off')).toEqual([]);
  });
});
