// A fine meter's litres are kept in thousandths (milli.ts) while they are whole millilitres:
// exactly, 4 bytes a value, and back to litres, still exactly, the moment one is not.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createFlow, litersSince, observeFlow } from '../../src/detect/flow.ts';
import { isMilli, litersBetween } from '../../src/detect/milli.ts';
import { numsToArray } from '../../src/detect/nums.ts';
import { advanceRegister, createRegister } from '../../src/detect/register.ts';
import { HOUR, MINUTE } from '../../src/detect/time.ts';

const cfg = defaultDetectorConfig;
const T0 = Date.parse('2026-03-01T00:00:00+08:00');

describe('litres in thousandths', () => {
  it('knows whole millilitres', () => {
    for (const x of [0, 1234.567, 0.001, -5.5, 2_000_000.999]) expect(isMilli(x), String(x)).toBe(true);
    for (const x of [0.06700000000000728, 1e-4, 3_000_000, -0, NaN, Infinity]) expect(isMilli(x), String(x)).toBe(false);
  });

  it('an interval between millilitre readings is their exact decimal difference', () => {
    expect(litersBetween(1234.567, 1234.5)).toBe(0.067);
    expect(1234.567 - 1234.5).not.toBe(0.067); // what plain subtraction gives
    expect(litersBetween(1234.5675, 1234.567)).toBe(1234.5675 - 1234.567); // finer: as it was
    expect(litersBetween(120, 100)).toBe(20);
  });

  it('the register keeps a fine meter\'s recent readings in an Int32Array, and widens exactly for a finer one', () => {
    const r = createRegister();
    const totals = [1234.5, 1234.567, 1240.001, 1240.001, 1251.25];
    totals.forEach((t, i) => advanceRegister(r, T0 + i * MINUTE, t, cfg.dataFault));
    expect(r.recent.a).toBeInstanceOf(Int32Array);
    expect(r.recentMilli).toBe(true);
    // A late re-send is still recognised against the stored millilitres.
    expect(advanceRegister(r, T0 + MINUTE, 1234.567, cfg.dataFault)).toEqual({ kind: 'duplicate' });
    expect(advanceRegister(r, T0 + 5 * MINUTE, 1251.2501, cfg.dataFault)).toMatchObject({ kind: 'interval', liters: 1251.2501 - 1251.25 });
    expect(r.recentMilli).toBe(false);
    const kept = numsToArray(r.recent).filter((_, i) => i % 2 === 1);
    expect(kept).toEqual([...totals, 1251.2501]);
    expect(advanceRegister(r, T0 + 2 * MINUTE, 1240.001, cfg.dataFault)).toEqual({ kind: 'duplicate' });
  });

  it('the flow keeps the last hour in relative ms and millilitres, and sums it exactly', () => {
    const f = createFlow();
    const liters = [0.067, 2.5, 0, 7.125];
    liters.forEach((l, i) => observeFlow(f, T0 + i * MINUTE, T0 + (i + 1) * MINUTE, l, false, MINUTE, cfg));
    expect(f.recent.a).toBeInstanceOf(Int32Array);
    expect(f.recentBase).toBe(T0);
    expect(litersSince(f, T0)).toBe(9.692);
    observeFlow(f, T0 + 4 * MINUTE, T0 + 5 * MINUTE, 1e-4, false, MINUTE, cfg);
    expect(f.recentMilli).toBe(false);
    expect(litersSince(f, T0)).toBeCloseTo(9.6921, 12);
    // An hour on, the old intervals are gone and the list starts again in millilitres.
    observeFlow(f, T0 + 3 * HOUR, T0 + 3 * HOUR + MINUTE, 1.5, false, MINUTE, cfg);
    expect(f.recentMilli).toBe(true);
    expect(f.recentBase).toBe(T0 + 3 * HOUR);
    expect(litersSince(f, T0)).toBe(1.5);
  });

  it('the flow rebases its times before they outgrow an Int32 (a meter that never pauses for an hour)', () => {
    const f = createFlow();
    const step = 15 * MINUTE;
    const n = (14 * 24 * HOUR) / step; // two weeks of 15-minute intervals, 1 L each
    for (let i = 0; i < n; i++) observeFlow(f, T0 + i * step, T0 + (i + 1) * step, 1, false, step, cfg);
    expect(f.recent.a).toBeInstanceOf(Int32Array);
    expect(f.recentBase).toBeGreaterThan(T0 + 12 * 24 * HOUR);
    expect(litersSince(f, T0 + n * step - HOUR)).toBe(4);
  });
});
