// Pulse registers (10 L a step, 0.01 m³): the detector learns a register's step from its deltas
// (src/detect/register-step.ts), and on a coarse step judges a leak by how often the register
// moves, not by water in every interval (a 6 L/h leak moves a 10 L register every 100 min).
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { coarseStepLiters, noteDelta, STEP_TRUST_DELTAS, type StepState } from '../../src/detect/register-step.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, at, drive, household, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;
/** The register as a pulse meter shows it: whole steps, rounded down. */
const stepped = (rs: Reading[], stepL: number): Reading[] => rs.map((r) => ({ ...r, totalLiters: Math.floor(r.totalLiters / stepL + 1e-9) * stepL }));
const step = (deltas: number[]): StepState => {
  const s: StepState = { stepMilli: 0, stepDeltas: 0 };
  for (const d of deltas) noteDelta(s, d);
  return s;
};

describe('register step', () => {
  it('is the largest ladder step (1 mL … 100 L, with 20 and 50 L) dividing every positive delta, once enough deltas agree', () => {
    const n = STEP_TRUST_DELTAS;
    expect(coarseStepLiters(step(Array.from({ length: n }, (_, i) => 10 * (1 + (i % 3)))))).toBe(10);
    expect(coarseStepLiters(step(Array.from({ length: n }, () => 100)))).toBe(100);
    expect(coarseStepLiters(step([...Array.from({ length: n }, () => 10), 3]))).toBe(0); // one 3 L delta: a 1 L register
    expect(coarseStepLiters(step(Array.from({ length: n - 1 }, () => 10)))).toBe(0); // not yet trusted
    expect(coarseStepLiters(step(Array.from({ length: n }, (_, i) => 1 + i)))).toBe(0); // 1 L: fine rules
    expect(coarseStepLiters(step(Array.from({ length: n }, () => 0.237)))).toBe(0);
    expect(coarseStepLiters(step(Array.from({ length: n }, () => 0.15755)))).toBe(0); // finer than a millilitre
    expect(coarseStepLiters(step([0, -10, ...Array.from({ length: n }, (_, i) => 10 * (i + 1))]))).toBe(10); // zero and negative deltas say nothing
    expect(coarseStepLiters(step(Array.from({ length: n }, (_, i) => 20 * (i + 1))))).toBe(20);
    expect(coarseStepLiters(step(Array.from({ length: n }, (_, i) => 50 * (i + 1))))).toBe(50);
    expect(coarseStepLiters(step(Array.from({ length: n }, () => 2)))).toBe(0); // never 2 or 5 L: an even run of a 1 L register
    // Coarser steps are trusted sooner: 100 L after 5 deltas, 50 L after 6, 10 L after 10.
    expect(coarseStepLiters(step([100, 200, 100, 300]))).toBe(0);
    expect(coarseStepLiters(step([100, 200, 100, 300, 100]))).toBe(100);
    expect(coarseStepLiters(step([50, 100, 50, 150, 50]))).toBe(0);
    expect(coarseStepLiters(step([50, 100, 50, 150, 50, 50]))).toBe(50);
  });

  it.each([15, 60])('%i-min pulse meter (10 L), a 6 L/h leak from day 22 → one leak alert within 24 h, with a rate that is not zero', (cadenceMin) => {
    const h = household({ cadenceMin, days: 26, seed: 7 });
    const from = at(22, '10:00');
    h.leak(0.1, from);
    const { events } = drive(createDetector(cfg), stepped(h.readings(), 10));
    const leaks = raises(events, 'leak');
    expect(leaks, summary(events).join('\n')).toHaveLength(1);
    expect(leaks[0]!.observedAt - from).toBeGreaterThan(0);
    expect(leaks[0]!.observedAt - from).toBeLessThanOrEqual(24 * HOUR);
    expect(leaks[0]!.reason.zh).toMatch(/漏水|漏/);
    expect(leaks[0]!.reason.en).not.toMatch(/about 0 L\/h/);
  });

  it('the same pulse-meter households without a leak raise no leak and no surge in 26 days', () => {
    for (const cadenceMin of [15, 60])
      for (const seed of [7, 8, 9]) {
        const h = household({ cadenceMin, days: 26, seed });
        const { events } = drive(createDetector(cfg), stepped(h.readings(), 10));
        expect(raises(events, 'leak'), summary(events).join('\n')).toEqual([]);
        expect(raises(events, 'surge')).toEqual([]);
      }
  });

  it('while a known leak runs on a pulse meter, its steps are not use: a silence is still found', () => {
    const h = household({ cadenceMin: 15, days: 28, seed: 7 });
    h.leak(0.1, at(20, '10:00'));
    const still = at(25, '09:00');
    h.silence(still, at(26, '18:00')).leak(0.1, still, at(26, '18:00')); // nobody uses water; the leak runs on
    const { events } = drive(createDetector(cfg), stepped(h.readings(), 10));
    const leak = raises(events, 'leak')[0];
    expect(leak, summary(events).join('\n')).toBeDefined();
    expect(leak!.observedAt).toBeLessThan(still);
    const nu = raises(events, 'no-usage').filter((e) => e.at >= still);
    expect(nu.length, summary(events).join('\n')).toBeGreaterThanOrEqual(1);
    expect(nu[0]!.observedAt - still).toBeLessThanOrEqual(14 * HOUR);
  });

  it.each([50, 100])('a %i L register cannot show a household stopping: no no-usage on it, one data-fault that says so, in both languages', (stepL) => {
    const h = household({ cadenceMin: 15, days: 30, seed: 7 });
    h.silence(at(25, '09:00'), at(27, '09:00')); // two days without water
    const { events } = drive(createDetector(cfg), stepped(h.readings(), stepL));
    const faults = raises(events, 'data-fault');
    expect(faults, summary(events).join('\n')).toHaveLength(1);
    expect(faults[0]!.observedAt).toBeLessThan(at(10, '00:00')); // within days of the first steps
    expect(faults[0]!.reason.zh).toContain(`每次跳变 ${stepL} 升`);
    expect(faults[0]!.reason.zh).toContain('未用水告警已停用');
    expect(faults[0]!.reason.en).toContain(`steps of ${stepL} L`);
    expect(raises(events, 'no-usage').filter((e) => e.at > faults[0]!.at)).toEqual([]);
    expect(raises(events, 'surge')).toEqual([]);
  });

  it('a 20 L register still has its silence found, and raises no data-fault', () => {
    const h = household({ cadenceMin: 15, days: 30, seed: 7 });
    const still = at(25, '09:00');
    h.silence(still, at(27, '09:00'));
    const { events } = drive(createDetector(cfg), stepped(h.readings(), 20));
    expect(raises(events, 'data-fault'), summary(events).join('\n')).toEqual([]);
    const nu = raises(events, 'no-usage').filter((e) => e.at >= still);
    expect(nu.length).toBeGreaterThanOrEqual(1);
    expect(nu[0]!.observedAt - still).toBeLessThanOrEqual(14 * HOUR);
  });
});
