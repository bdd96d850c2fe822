// Offline: the only rule that depends on time alone, so these scenarios tick the manual clock.
// A silent meter says nothing about water use: it never raises no-usage.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, meterOf, offlineDeadline, onTick } from '../../src/detect/detector.ts';
import { HOUR, MIN, at, batch, between, clears, dropGap, drive, household, raises, show, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;
/** Offline after `intervals` expected intervals, never sooner than the floor (config). */
const offlineAfter = (cadenceMs: number) => Math.max(cfg.offline.minMs, cfg.offline.intervals * cadenceMs);
/** The same, seen by a clock ticking every minute. */
const tickedAfter = (cadenceMs: number) => Math.ceil(offlineAfter(cadenceMs) / MIN) * MIN;

describe('offline', () => {
  it('1-min meter stops reporting for 6 h → offline after ~3 intervals (or the floor), never no-usage; clears when data resumes', () => {
    const h = household({ cadenceMin: 1, days: 3, seed: 3 });
    // Nobody uses water during the outage either: the silence is real but unobserved.
    h.silence(at(1, '10:01'), at(1, '16:00')).use(at(1, '16:00'));
    const last = at(1, '10:00');
    const rs = dropGap(h.readings(), last + 1, at(1, '16:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, rs, { tickMs: MIN, until: at(3, '00:00') });

    // A 1-min meter's network blip is not an outage, but it is found within 5 min.
    expect(offlineAfter(MIN)).toBeLessThanOrEqual(5 * MIN);
    expect(summary(events)).toEqual([`raise offline ${show(last + tickedAfter(MIN))}`, 'clear offline d1 16:00']);
    const raise = raises(events, 'offline')[0]!;
    expect(raise.at - last).toBe(tickedAfter(MIN));
    expect(raise.observedAt).toBe(last);
    expect(raise.reason.facts).toMatchObject({ cadenceMinutes: 1, lastReport: '10:00' });
    expect(raise.reason.en).toContain('says nothing about water use');
    expect(clears(events, 'offline')[0]!.at).toBe(at(1, '16:00'));
    expect(raises(events, 'no-usage')).toEqual([]);
  });

  it('repeated ticks raise offline once per outage', () => {
    const h = household({ cadenceMin: 1, days: 1, seed: 3 });
    const d = createDetector(cfg);
    drive(d, between(h.readings(), at(0, '00:00'), at(0, '08:00') + 1));
    const m = meterOf(d, 'm-1');
    const deadline = at(0, '08:00') + offlineAfter(MIN);
    expect(offlineDeadline(d, m)).toBe(deadline);
    expect(onTick(d, deadline - 1)).toEqual([]);
    expect(onTick(d, deadline).map((e) => e.type)).toEqual(['offline']);
    expect(onTick(d, at(0, '09:00'))).toEqual([]);
    expect(offlineDeadline(d, m)).toBeNaN();
  });

  it('hourly-batch meter (15-min readings delivered each hour) is not offline between batches; offline 3 h after the last batch', () => {
    const h = household({ cadenceMin: 15, days: 4, seed: 3 });
    const last = at(3, '12:00');
    const rs = between(batch(h.readings()), at(0, '00:00'), last + 1);
    expect(rs.at(-1)!.receivedAt).toBe(last);
    expect(rs.filter((r) => r.receivedAt === at(2, '10:00')).map((r) => r.ts)).toEqual(
      ['09:15', '09:30', '09:45', '10:00'].map((t) => at(2, t)),
    );
    const d = createDetector(cfg);
    const { events } = drive(d, rs, { tickMs: 5 * MIN, until: at(4, '00:00') });

    expect(meterOf(d, 'm-1').arrivalCadenceMs).toBe(HOUR);
    expect(summary(events)).toEqual([`raise offline ${show(last + tickedAfter(HOUR))}`]);
    expect(offlineAfter(HOUR)).toBe(3 * HOUR);
    expect(raises(events)[0]!.reason.facts.cadenceMinutes).toBe(60);
  });

  it('a batch meter raises its alerts at delivery time with the data time kept apart', () => {
    const h = household({ cadenceMin: 15, days: 16, seed: 3 });
    h.tap(at(14, '10:00'), 25, at(14, '11:00'));
    const { events } = drive(createDetector(cfg), batch(h.readings()));
    expect(summary(raises(events))).toEqual(['raise surge d14 11:00']);
    expect(raises(events)[0]!.observedAt).toBe(at(14, '10:15')); // the first reading holding the burst
  });
});
