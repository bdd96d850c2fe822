// Report-on-change meters: a reading only when the register moved, and a heartbeat (the same
// value) an hour after the last reading when it has not. Their hour-long silences are not
// outages: with a fixed "three delivery intervals" rule a 1-min report-on-change meter was
// offline every idle hour (77.7 false offline alerts per household-month on sim-1min rewritten
// so, eval/tools/retime.ts on-change:1). Now such a meter is recognised from its data (still
// readings come long after the previous one, moving ones soon after) and waited for until three
// heartbeats are missed; a fixed-cadence meter is unaffected.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import { heartbeatMs } from '../../src/detect/heartbeat.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { DAY, HOUR, MIN, at, between, drive, household, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

/** Only readings whose register moved, or `beatMs` after the last one sent. */
function onChange(rs: Reading[], beatMs = HOUR): Reading[] {
  let last: Reading | undefined;
  return rs.filter((r) => {
    if (last && r.totalLiters === last.totalLiters && r.ts - last.ts < beatMs) return false;
    last = r;
    return true;
  });
}

describe('offline on report-on-change meters', () => {
  it('a 1-min meter reporting on change with an hourly heartbeat, two weeks: offline at most on its first day, its heartbeat learned', () => {
    const h = household({ cadenceMin: 1, days: 14, seed: 4 });
    const rs = onChange(h.readings());
    const d = createDetector(cfg);
    const { events } = drive(d, rs, { tickMs: 5 * MIN, until: rs[rs.length - 1]!.ts });
    const off = raises(events, 'offline');
    for (const o of off) expect(o.at - rs[0]!.ts, summary(events).join('\n')).toBeLessThan(DAY);
    const beat = heartbeatMs(meterOf(d, h.meterId).delivery);
    expect(beat).toBeGreaterThan(45 * MIN);
    expect(beat).toBeLessThanOrEqual(HOUR);
  });

  it('the same meter then stops: offline once three heartbeats are missed, not sooner', () => {
    const h = household({ cadenceMin: 1, days: 14, seed: 4 });
    const rs = onChange(between(h.readings(), 0, at(12, '09:00')));
    const last = rs[rs.length - 1]!.ts;
    const d = createDetector(cfg);
    const { events } = drive(d, rs, { tickMs: MIN, until: last + 8 * HOUR });
    const late = raises(events, 'offline').filter((o) => o.at > at(11, '00:00'));
    expect(late, summary(events).join('\n')).toHaveLength(1);
    const beat = heartbeatMs(meterOf(d, h.meterId).delivery);
    expect(late[0]!.at - last).toBeGreaterThanOrEqual(3 * beat);
    expect(late[0]!.at - last).toBeLessThanOrEqual(3 * HOUR + MIN);
    // Told in its own terms: no "every minute", no loss rate.
    expect(late[0]!.reason.zh).toMatch(/^水表在用水时上报，不用水时约每小时上报一次，已 3(\.\d)? 小时未上报（最后一次在 \d\d:\d\d）/);
    expect(late[0]!.reason.zh).not.toMatch(/每分钟|丢失/);
    expect(late[0]!.reason.en).toMatch(/reports when water is used and about every hour otherwise/);
    expect(late[0]!.reason.facts.heartbeatMinutes).toBeGreaterThan(45);
  });

  it('a fixed-cadence meter is never taken for one (its still readings come one cadence apart)', () => {
    for (const cadenceMin of [1, 15, 60]) {
      const h = household({ cadenceMin, days: 10, seed: 4 });
      const d = createDetector(cfg);
      drive(d, h.readings());
      expect(heartbeatMs(meterOf(d, h.meterId).delivery), `${cadenceMin}-min`).toBeNaN();
    }
  });
});
