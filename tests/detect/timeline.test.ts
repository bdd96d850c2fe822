// The scenario generator is itself ground truth for the detector tests: check that it says
// what the scenarios assume (deterministic, a use at wake and at sleep, daytime gaps < 2 h).
import { describe, expect, it } from 'vitest';
import { DAY, EPOCH, HOUR, MIN, at, batch, duplicate, dropGap, glitch, household, outOfOrder, resetCounter } from './timeline.ts';

describe('timeline helper', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = household({ cadenceMin: 15, days: 3, seed: 5 }).readings();
    const b = household({ cadenceMin: 15, days: 3, seed: 5 }).readings();
    const c = household({ cadenceMin: 15, days: 3, seed: 6 }).readings();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('samples a non-decreasing register at the cadence, arrival = data time', () => {
    const rs = household({ cadenceMin: 15, days: 2 }).readings();
    expect(rs).toHaveLength(2 * 96 + 1);
    expect(rs[0]).toEqual({ meterId: 'm-1', ts: EPOCH, totalLiters: 10_000, receivedAt: EPOCH });
    for (let i = 1; i < rs.length; i++) {
      expect(rs[i]!.ts - rs[i - 1]!.ts).toBe(15 * MIN);
      expect(rs[i]!.totalLiters).toBeGreaterThanOrEqual(rs[i - 1]!.totalLiters);
    }
  });

  it('uses water from wake (+ jitter) to exactly the sleep time, with daytime gaps under 2 h', () => {
    const h = household({ cadenceMin: 1, days: 7, seed: 9 });
    for (let d = 0; d < 7; d++) {
      const first = h.firstUseAfter(at(d, '03:00'));
      expect(first).toBe(h.firstUse[d]);
      expect(first).toBeGreaterThanOrEqual(at(d, '06:30'));
      expect(first).toBeLessThan(at(d, '06:50'));
      expect(h.lastUseBefore(at(d + 1, '03:00'))).toBe(at(d, '22:00'));
    }
    expect(h.longestSilence(0, 7, '07:00', '22:00')).toBeLessThan(2 * HOUR);
    // Every day has a 15-min shower at 7 L/min, 30 min after the first use.
    expect(h.flow[(h.firstUse[2]! - EPOCH) / MIN + 30 + 7]).toBeGreaterThanOrEqual(7);
  });

  it('injects silences, taps, outings and late mornings into the flow', () => {
    const h = household({ cadenceMin: 1, days: 3, lateWakeDays: [1], outings: [{ day: 2, from: '14:00', hours: 3 }] });
    expect(h.firstUse[1]).toBeGreaterThanOrEqual(at(1, '07:30'));
    expect(h.lastUseBefore(at(2, '17:00'))).toBe(at(2, '14:00'));
    expect(h.firstUseAfter(at(2, '14:00'))).toBe(at(2, '17:00'));
    h.silence(at(0, '10:00'), at(0, '12:00')).tap(at(0, '11:00'), 6, at(0, '11:10'));
    expect(h.firstUseAfter(at(0, '10:00'))).toBe(at(0, '11:00'));
    expect(h.lastUseBefore(at(0, '12:00'))).toBe(at(0, '11:10'));
  });

  it('reading injectors: gap, glitch, reset, duplicate, out-of-order, hourly batches', () => {
    const rs = household({ cadenceMin: 15, days: 1 }).readings();
    expect(dropGap(rs, at(0, '10:00'), at(0, '11:00'))).toHaveLength(rs.length - 4);
    const g = glitch(rs, at(0, '10:00'), 2);
    expect(g).toHaveLength(rs.length + 2);
    const i = g.findIndex((r) => r.ts === at(0, '10:00'));
    expect(g[i + 1]).toMatchObject({ ts: at(0, '10:07') + 30_000, totalLiters: g[i]!.totalLiters + 248_000 });
    expect(g[i + 2]!.ts).toBe(at(0, '10:15'));
    const z = resetCounter(rs, at(0, '10:00'));
    expect(z.find((r) => r.ts === at(0, '10:00'))!.totalLiters).toBe(0);
    expect(duplicate(rs, at(0, '10:00'), 5)).toHaveLength(rs.length + 1);
    const o = outOfOrder(rs, at(0, '10:00'), at(0, '09:00'));
    expect(o[o.findIndex((r) => r.ts === at(0, '10:00')) + 1]!.ts).toBe(at(0, '09:00'));
    const b = batch(rs);
    expect(b.find((r) => r.ts === at(0, '10:15'))!.receivedAt).toBe(at(0, '11:00'));
    expect(b.find((r) => r.ts === at(0, '11:00'))!.receivedAt).toBe(at(0, '11:00'));
    expect(b.at(-1)!.receivedAt).toBe(EPOCH + DAY);
  });
});
