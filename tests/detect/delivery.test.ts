// Arrival is not order (issue 9): deliveries sent as many shuffled messages spread over
// minutes, meter clocks running fast or slow, and offline judged by missed deliveries.
import { describe, expect, it } from 'vitest';
import { DetectorConfigSchema, defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, meterOf, onReading } from '../../src/detect/detector.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, MIN, at, batch, drive, household, prng, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

/** Each hour's readings as separate messages, shuffled, arriving 5–150 s after the hour. */
function shuffledBatches(rs: Reading[], seed: number): Reading[] {
  const rnd = prng(seed);
  const byHour = new Map<number, Reading[]>();
  for (const r of batch(rs)) byHour.set(r.receivedAt, [...(byHour.get(r.receivedAt) ?? []), r]);
  const out: Reading[] = [];
  for (const [hour, group] of byHour) {
    const order = group.map((r) => ({ r, k: rnd() })).sort((a, b) => a.k - b.k);
    let t = hour + 5_000 + Math.floor(rnd() * 30_000);
    for (const { r } of order) {
      out.push({ ...r, receivedAt: t });
      t += 2_000 + Math.floor(rnd() * 25_000);
    }
  }
  return out;
}

const skew = (rs: Reading[], byMs: number): Reading[] => rs.map((r) => ({ ...r, ts: r.ts + byMs }));

describe('deliveries out of order', () => {
  it('15-min readings sent hourly as shuffled messages over ~2 min: put back in order, no offline flapping, the same no-usage as in order', () => {
    const h = household({ cadenceMin: 15, days: 30, seed: 11 });
    const stop = at(28, '10:00');
    h.silence(stop, at(28, '20:00')).use(at(28, '20:00'));
    const inOrder = drive(createDetector(cfg), batch(h.readings()), { tickMs: MIN, until: at(30, '00:00') });
    const d = createDetector(cfg);
    const shuffled = drive(d, shuffledBatches(h.readings(), 5), { tickMs: MIN, until: at(30, '00:00') });

    // Only the very first delivery can be late (before the meter is known to shuffle).
    const late = shuffled.verdicts.filter((v) => v === 'late').length;
    expect(late).toBeLessThanOrEqual(3);
    expect(shuffled.verdicts.filter((v) => v === 'held').length).toBeGreaterThan(2500);
    expect(raises(shuffled.events, 'offline')).toEqual([]);
    const m = meterOf(d, 'm-1');
    expect(m.delivery.shuffles).toBe(true);
    expect(m.arrivalCadenceMs).toBeGreaterThan(55 * MIN); // the delivery interval, not the spacing of messages
    expect(m.arrivalCadenceMs).toBeLessThan(65 * MIN);
    const [a] = raises(inOrder.events, 'no-usage');
    const [b] = raises(shuffled.events, 'no-usage');
    expect(b, summary(shuffled.events).join('\n')).toBeDefined();
    expect(b!.observedAt).toBe(a!.observedAt);
    // Released when the delivery is complete: a couple of minutes after the hour at most.
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(0);
    expect(b!.at - a!.at).toBeLessThanOrEqual(cfg.delivery.maxHoldMs);
  });

  it('a late reading behind the watermark is counted, marked whether it fits between known readings, and changes nothing', () => {
    const h = household({ cadenceMin: 15, days: 2, seed: 3 });
    const rs = h.readings().filter((r) => r.ts !== at(1, '09:15'));
    const d = createDetector(cfg);
    drive(d, rs.filter((r) => r.ts <= at(1, '10:00')));
    const missing = h.readings().find((r) => r.ts === at(1, '09:15'))!;
    const res = onReading(d, { ...missing, receivedAt: at(1, '10:00') + 30_000 });
    expect(res).toMatchObject({ verdict: 'late', fits: true, events: [] });
    expect(meterOf(d, 'm-1').delivery.late).toBe(1);
  });
});

describe('meter clocks', () => {
  it.each([
    ['1-min, 2 h fast', 1, 2 * HOUR],
    ['15-min, 40 min fast', 15, 40 * MIN],
    ['15-min, 3 h slow', 15, -3 * HOUR],
    ['hourly batch, 90 min fast', 60, 90 * MIN],
  ])('%s: readings are corrected and used, the clock raises data-fault saying so, and no-usage fires as with a true clock', (_name, cadenceMin, by) => {
    const h = household({ cadenceMin: cadenceMin === 60 ? 15 : cadenceMin, days: 30, seed: 7 });
    const stop = at(28, '10:00');
    h.silence(stop, at(28, '20:00')).use(at(28, '20:00'));
    const rs = cadenceMin === 60 ? batch(h.readings()) : h.readings();
    const truth = drive(createDetector(cfg), rs);
    const d = createDetector(cfg);
    const run = drive(d, skew(rs, by));

    expect(run.verdicts.filter((v) => v === 'implausible')).toEqual([]);
    expect(meterOf(d, 'm-1').delivery.offsetMs).toBeCloseTo(by, -5); // within ~a minute
    const faults = raises(run.events, 'data-fault');
    expect(faults).toHaveLength(1);
    expect(faults[0]!.reason.facts.fault).toBe('clock-skew');
    expect(faults[0]!.reason.zh).toContain(by > 0 ? '水表时钟偏快约' : '水表时钟偏慢约');
    expect(faults[0]!.reason.en).toMatch(by > 0 ? /runs fast by about/ : /runs slow by about/);
    const [a] = raises(truth.events, 'no-usage');
    const [b] = raises(run.events, 'no-usage');
    expect(b, summary(run.events).join('\n')).toBeDefined();
    expect(Math.abs(b!.observedAt - a!.observedAt)).toBeLessThanOrEqual(5 * MIN);
  });

  it('a meter back after 6 h offline uploads its backlog in a burst: nothing is "corrected" into the future, nothing is implausible', () => {
    const h = household({ cadenceMin: 1, days: 10, seed: 11 });
    const back = at(9, '16:00');
    // Live until 10:00; at 16:00 the 6 h backlog comes as one message per reading, oldest first,
    // a second apart (each message's freshest reading climbs towards the present); the readings
    // taken during the burst follow it at 16:10, then the meter is live again.
    let t = back;
    const rs = h
      .readings()
      .filter((r) => r.ts <= at(9, '20:00'))
      .map((r) => (r.ts <= at(9, '10:00') || r.ts > back + 10 * MIN ? r : { ...r, receivedAt: r.ts <= back ? (t += 1000) : back + 10 * MIN + (r.ts - back) / 60 }));
    const run = drive(createDetector(cfg), rs);
    expect(run.verdicts.filter((v) => v !== 'accepted')).toEqual([]);
    expect(raises(run.events, 'data-fault')).toEqual([]);
  });

  it('a clock a few minutes fast is corrected without an alert; one still hours ahead after correction is implausible with a reason', () => {
    const h = household({ cadenceMin: 15, days: 3, seed: 7 });
    const d = createDetector(cfg);
    const run = drive(d, skew(h.readings(), 8 * MIN));
    expect(run.verdicts.filter((v) => v !== 'accepted')).toEqual([]);
    expect(meterOf(d, 'm-1').delivery.offsetMs).toBe(8 * MIN);
    expect(raises(run.events)).toEqual([]);
    const last = h.readings().at(-1)!;
    const res = onReading(d, { ...last, ts: last.receivedAt + 5 * HOUR, totalLiters: last.totalLiters + 1, receivedAt: last.receivedAt + 60_000 });
    expect(res.verdict).toBe('implausible');
    expect(res.reason).toMatch(/after receipt even after correcting the meter clock by 8 min/);
  });

  it('the alert limit is configurable', () => {
    const c = DetectorConfigSchema.parse({ clock: { alertAboveMs: 3 * HOUR } });
    const h = household({ cadenceMin: 15, days: 3, seed: 7 });
    const run = drive(createDetector(c), skew(h.readings(), 2 * HOUR));
    expect(raises(run.events, 'data-fault')).toEqual([]);
  });

  it('a shuffled first delivery from a clock 96 min fast: no offline at start-up (the clock estimate moving between its readings is not their cadence)', () => {
    const h = household({ cadenceMin: 15, days: 3, seed: 1 });
    // Every hour's four readings as four messages, 41–47 s apart, the freshest not first: as
    // sim-realistic's m-017, whose 2nd message moved the clock estimate by half an hour.
    const order = [1, 3, 2, 4];
    const offsets = [50_000, 91_121, 135_470, 182_922];
    const rs = h.readings().flatMap((r) => {
      const k = Math.round((r.ts - at(0, '00:00')) / (15 * MIN)); // reading k of the span, k ≥ 1
      if (k < 1) return [];
      const hour = Math.ceil(k / 4);
      const slot = order.indexOf(k - (hour - 1) * 4);
      return [{ ...r, ts: r.ts + 96 * MIN, receivedAt: at(0, '00:00') + hour * HOUR + offsets[slot]! }];
    });
    const run = drive(createDetector(cfg), rs, { tickMs: MIN, until: at(2, '12:00') });
    expect(raises(run.events, 'offline'), summary(run.events).join('\n')).toEqual([]);
  });
});
