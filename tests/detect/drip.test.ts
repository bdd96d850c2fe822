// A standing trickle below the leak floor (a dripping tap, a cistern valve that never closes:
// 0.5–2.4 L/h) put 0.5 L or more into every hourly interval, and 0.5 L counted as use: the
// silence never began. An elder incapacitated in such a home was never found, and nothing else
// was raised either (the trickle is below leak.minLpm). Now the trickle is learned as the lowest
// rate of the last day or two and is not use (src/detect/drip.ts).
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import { dripLpm, loneStep } from '../../src/detect/drip.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { MIN, at, drive, household, prng, raises, summary } from './timeline.ts';

/** A trickle of about `lph` L/h, wandering ±50 % every 10 minutes, over the whole timeline. */
function trickle(h: ReturnType<typeof household>, lph: number, seed: number): void {
  const rand = prng(seed);
  for (let t = at(0, '00:00'); t < h.end; t += 10 * MIN) h.tap(t, (lph / 60) * (0.5 + rand()), t + 10 * MIN);
}

/** The register in `step`-litre units (a decilitre register: 0.1). */
const floored = (rs: Reading[], step: number): Reading[] => rs.map((r) => ({ ...r, totalLiters: Math.round(Math.floor(r.totalLiters / step + 1e-9) * step * 1000) / 1000 }));

describe('a standing trickle below the leak floor', () => {
  it.each([
    [60, 1, 0],
    [60, 2, 0],
    [60, 2, 0.1],
    [15, 2, 0],
    [120, 1, 0],
    [60, 1, 1],
    [60, 2, 1],
    [15, 2, 1],
  ])('%i-min meter, about %i L/h trickling (register step %s L): an incapacitation is found, and no false alarm in the week before', (cadenceMin, lph, step) => {
    const h = household({ cadenceMin, days: 18, seed: 5 });
    const stop = at(15, '10:00');
    h.silence(stop); // the elder stops using water at 10:00 on day 15; the trickle goes on
    trickle(h, lph, 3);
    const rs = step ? floored(h.readings(), step) : h.readings();
    const d = createDetector(cfg);
    const { events } = drive(d, rs);
    const nu = raises(events, 'no-usage').filter((e) => e.at >= stop);
    expect(nu.length, summary(raises(events)).join('\n')).toBeGreaterThan(0);
    expect(nu[0]!.at - h.lastUseBefore(stop)).toBeLessThanOrEqual(cfg.noUsage.hardCapMs + cadenceMin * MIN);
    expect(raises(events).filter((e) => e.at >= at(8, '00:00') && e.at < stop)).toEqual([]);
    expect(raises(events, 'leak')).toEqual([]);
    expect(dripLpm(meterOf(d, h.meterId).flow) * 60).toBeGreaterThan(0.3 * lph);
  });

  it('a household without a trickle learns none: its smallest uses still count', () => {
    for (const cadenceMin of [1, 15, 60]) {
      const d = createDetector(cfg);
      drive(d, household({ cadenceMin, days: 10, seed: 5 }).readings());
      expect(dripLpm(meterOf(d, 'm-1').flow), `${cadenceMin}-min`).toBe(0);
    }
  });

  it('a trickle that began three days before the fall: the silence after it is seen within the hard cap', () => {
    const h = household({ cadenceMin: 60, days: 18, seed: 5 });
    h.leak(1 / 60, at(12, '00:00'));
    const stop = at(15, '10:00');
    h.silence(stop);
    h.leak(1 / 60, stop);
    const { events } = drive(createDetector(cfg), h.readings());
    const nu = raises(events, 'no-usage').filter((e) => e.at >= stop);
    expect(nu.length, summary(raises(events)).join('\n')).toBeGreaterThan(0);
    expect(nu[0]!.at - stop).toBeLessThan(cfg.noUsage.hardCapMs);
  });

  // A 10 L pulse register steps once in 4–6 h under a trickle of 1.7–2.4 L/h: never still long
  // enough for the learner above, and each step, hours apart, was a use that restarted the silence.
  it.each([[60, 1.9], [60, 2.3], [30, 2], [15, 1.8], [15, 2.2]])('%i-min meter, 10 L pulse register, about %s L/h trickling: an incapacitation is found, and no false alarm in the week before', (cadenceMin, lph) => {
    const h = household({ cadenceMin, days: 18, seed: 5 });
    const stop = at(15, '10:00');
    h.silence(stop);
    trickle(h, lph, 3);
    const d = createDetector(cfg);
    const { events } = drive(d, floored(h.readings(), 10));
    const nu = raises(events, 'no-usage').filter((e) => e.at >= stop);
    expect(nu.length, summary(raises(events)).join('\n')).toBeGreaterThan(0);
    expect(nu[0]!.at - h.lastUseBefore(stop)).toBeLessThanOrEqual(cfg.noUsage.hardCapMs + cadenceMin * MIN);
    expect(raises(events).filter((e) => e.at >= at(8, '00:00') && e.at < stop)).toEqual([]);
  });

  it('a 10 L register without a trickle keeps a lone step after hours as use (its nights are still)', () => {
    const h = household({ cadenceMin: 60, days: 10, seed: 5 });
    const d = createDetector(cfg);
    drive(d, floored(h.readings(), 10));
    const flow = meterOf(d, h.meterId).flow;
    expect(loneStep(flow, 10, 5 * 60 * MIN, cfg.leak.minLpm)).toBe(false);
    // The same register under a 2 L/h trickle: a lone step after most of its longest stillness is
    // the trickle's; two steps, or one soon after the last, are still use.
    const t = household({ cadenceMin: 60, days: 10, seed: 5 });
    trickle(t, 2, 3);
    const dt = createDetector(cfg);
    drive(dt, floored(t.readings(), 10));
    const tf = meterOf(dt, t.meterId).flow;
    expect(loneStep(tf, 10, 5 * 60 * MIN, cfg.leak.minLpm)).toBe(true);
    expect(loneStep(tf, 20, 5 * 60 * MIN, cfg.leak.minLpm)).toBe(false);
    expect(loneStep(tf, 10, 60 * MIN, cfg.leak.minLpm)).toBe(false);
  });
});
