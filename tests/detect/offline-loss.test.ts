// Meters that lose uploads (NB-IoT fades, QoS 0): lost readings are not an outage. A 15-minute
// meter losing 5 % of its readings independently misses two in a row about seven times a month;
// the plain "three intervals silent" rule called each one offline (6.5 false offline alerts per
// household-month on sim-15min with 5 % loss, eval/tools/retime.ts). Each meter's loss rate is
// learned from its own gaps and the offline rule waits for a run of losses that meter would not
// show by chance; a meter that loses nothing keeps the plain rule, and outages never count as loss.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDelivery } from '../../src/detect/delivery.ts';
import { lossRate, observedLossRate, offlineSpanMs, toleratedLosses } from '../../src/detect/delivery-loss.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, MIN, at, between, drive, household, prng, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

/** Lose each reading with probability p (seeded), and every reading in [from, until). */
function lossy(rs: Reading[], p: number, seed: number, from = Infinity, until = Infinity): Reading[] {
  const rnd = prng(seed);
  return rs.filter((r) => rnd() >= p && !(r.ts >= from && r.ts < until));
}

/** The longest run of consecutive lost 15-min readings in a kept trace. */
function longestRun(rs: Reading[], cadenceMs: number): number {
  let run = 0;
  for (let i = 1; i < rs.length; i++) run = Math.max(run, Math.round((rs[i]!.ts - rs[i - 1]!.ts) / cadenceMs) - 1);
  return run;
}

describe('offline on meters that lose uploads', () => {
  it('a 15-min meter losing 5 % for 4 weeks, runs of 2 and 3 lost readings included: never offline, and its rate is learned', () => {
    const h = household({ cadenceMin: 15, days: 28, seed: 11 });
    const rs = lossy(h.readings(), 0.05, 7);
    // The plain rule would have fired: the trace has runs of at least 2 lost readings.
    expect(longestRun(rs, 15 * MIN)).toBeGreaterThanOrEqual(2);
    const d = createDetector(cfg);
    const { events } = drive(d, rs, { tickMs: 5 * MIN, until: rs[rs.length - 1]!.ts });
    expect(raises(events, 'offline'), summary(events).join('\n')).toEqual([]);
    const rate = lossRate(meterOf(d, h.meterId).delivery);
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.08);
  });

  it('the same meter then stops: offline after its tolerated run plus half an interval, and the text says it loses reports', () => {
    const h = household({ cadenceMin: 15, days: 28, seed: 11 });
    const stop = at(25, '10:00');
    const rs = lossy(between(h.readings(), 0, stop + 1), 0.05, 7);
    const last = rs[rs.length - 1]!.ts;
    const d = createDetector(cfg);
    const { events } = drive(d, rs, { tickMs: MIN, until: stop + 6 * HOUR });
    const off = raises(events, 'offline');
    expect(off, summary(events).join('\n')).toHaveLength(1);
    const k = toleratedLosses(meterOf(d, h.meterId).delivery, cfg);
    expect(k).toBe(3); // 2,880 slots a month × 0.05⁴ ≈ 0.02 runs of four by chance
    expect(off[0]!.at - last).toBe(Math.ceil(((k + 1.5) * 15 * MIN) / MIN) * MIN); // 67.5 min, seen on the next minute tick
    expect(off[0]!.reason.zh).toMatch(/^水表通常每 15 分钟上报一次，约 [3-7]% 的上报会丢失，已 1\.1 小时未上报/);
    expect(off[0]!.reason.en).toMatch(/losing about [3-7]% of its reports/);
    expect(off[0]!.reason.facts.lossPercent).toBeGreaterThanOrEqual(3);
  });

  it('a meter that loses nothing keeps the plain rule (three intervals), and its text claims no loss', () => {
    const h = household({ cadenceMin: 15, days: 12, seed: 11 });
    const stop = at(10, '10:00');
    const rs = between(h.readings(), 0, stop + 1);
    const d = createDetector(cfg);
    const { events } = drive(d, rs, { tickMs: MIN, until: stop + 6 * HOUR });
    const off = raises(events, 'offline');
    expect(off).toHaveLength(1);
    expect(off[0]!.at - stop).toBe(cfg.offline.intervals * 15 * MIN);
    expect(off[0]!.reason.zh).not.toMatch(/丢失/);
    expect(off[0]!.reason.facts).not.toHaveProperty('lossPercent');
  });

  it('outages are not loss: a meter with a 6-hour outage every other day is still offline after three intervals', () => {
    const h = household({ cadenceMin: 15, days: 16, seed: 5 });
    let rs = h.readings();
    for (let day = 2; day < 14; day += 2) rs = rs.filter((r) => !(r.ts >= at(day, '01:00') && r.ts < at(day, '07:00')));
    const stop = at(14, '15:00');
    rs = between(rs, 0, stop + 1);
    const d = createDetector(cfg);
    const { events } = drive(d, rs, { tickMs: MIN, until: stop + 6 * HOUR });
    const off = raises(events, 'offline');
    expect(off).toHaveLength(7); // six outages and the final stop
    for (const o of off) expect(o.at - o.observedAt).toBe(45 * MIN);
    expect(lossRate(meterOf(d, h.meterId).delivery)).toBeLessThan(0.01);
  });

  it('how many losses are waited for follows the rate and the cadence (a month of slots × p^(k+1) ≤ lossFalsePerMonth)', () => {
    // Meters that have sent still readings one interval apart (fixed cadence, heartbeat.ts): a
    // meter that has not is undecided and waited for as one with no known pattern.
    const withRate = (intervalMs: number, p: number) => ({ ...createDelivery(intervalMs), intervalMs, slots: 100_000, missed: 100_000 * p, shortStills: 10 });
    expect(toleratedLosses(withRate(HOUR, 0.034), cfg)).toBe(2); // the plain rule: a DAIAD home's occasional gaps
    expect(toleratedLosses(withRate(15 * MIN, 0.05), cfg)).toBe(3);
    expect(toleratedLosses(withRate(15 * MIN, 0.2), cfg)).toBe(6);
    expect(toleratedLosses(withRate(MIN, 0.05), cfg)).toBe(4);
    // A report-on-change meter with an hourly heartbeat looks like a 1-min meter losing 98 %:
    // waited for a few hours, never longer than a meter whose pattern is unknown.
    expect(offlineSpanMs(withRate(MIN, 0.98), cfg)).toBeGreaterThan(3 * HOUR);
    expect(offlineSpanMs(withRate(MIN, 0.98), cfg)).toBeLessThan(12 * HOUR);
    expect(offlineSpanMs(withRate(HOUR, 0.999), cfg)).toBe(cfg.offline.unlearnedMs);
    for (const [ms, p] of [[HOUR, 0.05], [15 * MIN, 0.05], [15 * MIN, 0.2], [MIN, 0.05]] as const) {
      const s = withRate(ms, p);
      const k = toleratedLosses(s, cfg);
      expect(((30 * 24 * HOUR) / ms) * p ** (k + 1)).toBeLessThanOrEqual(cfg.offline.lossFalsePerMonth);
      expect(((30 * 24 * HOUR) / ms) * p ** k).toBeGreaterThan(cfg.offline.lossFalsePerMonth); // and no more than needed
      expect(offlineSpanMs(s, cfg)).toBe(Math.max(cfg.offline.minMs, (k > 2 ? k + 1.5 : 3) * ms));
    }
    // A new meter (nothing counted yet) is assumed to lose about 5 %, but no text says so.
    expect(lossRate(createDelivery(HOUR))).toBeCloseTo(0.05, 5);
    expect(observedLossRate(createDelivery(HOUR))).toBe(0);
  });
});
