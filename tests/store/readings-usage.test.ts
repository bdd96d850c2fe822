// The usage charts' litres per bucket, summed in SQLite (store.readings.addUsage) instead of
// loading every reading of 35 days into the request: the same sums as the plain walk over
// consecutive readings that the route did before, register faults counted as nothing.
import { describe, expect, it } from 'vitest';
import { HOUR, T0, seedHousehold, tempStore } from './temp-store.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { Rng } from '../../device-sim/rng.ts';

const MIN = 60_000;

/** The walk the route used to do over loaded readings (the reference). */
function walk(rs: readonly Reading[], start: number, bucketMs: number, n: number, maxLpm: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (let i = 1; i < rs.length; i++) {
    const dt = rs[i]!.ts - rs[i - 1]!.ts;
    const l = rs[i]!.totalLiters - rs[i - 1]!.totalLiters;
    if (l < 0 || dt <= 0 || l > (maxLpm * dt) / MIN) continue;
    const b = Math.floor((rs[i]!.ts - start) / bucketMs);
    if (b >= 0 && b < n) out[b]! += l;
  }
  return out;
}

describe('readings.addUsage', () => {
  it('attributes each interval to the bucket of its end, skipping backward and impossible steps', () => {
    const { store } = tempStore();
    seedHousehold(store, 'hh-1', 'm-1');
    const at = (ts: number, totalLiters: number) => ({ meterId: 'm-1', ts, totalLiters, receivedAt: ts });
    store.readings.addMany([
      at(T0 - 30 * MIN, 90), // before the window: only the start of the first interval
      at(T0 + 10 * MIN, 100), // 10 L, ends in bucket 0
      at(T0 + HOUR, 120), // 20 L, ends exactly at bucket 1's start
      at(T0 + HOUR + MIN, 50), // backward (a reset): nothing
      at(T0 + HOUR + 2 * MIN, 1000), // 950 L in a minute: nothing
      at(T0 + 2 * HOUR + 30 * MIN, 1005.5), // 5.5 L in bucket 2
      at(T0 + 3 * HOUR, 1010), // bucket 3: outside n = 3
    ]);
    const out = [0, 0, 0];
    store.readings.addUsage(out, 'm-1', T0 - HOUR, T0 + 3 * HOUR, T0, HOUR, 100);
    expect(out).toEqual([10, 20, 5.5]);
    store.readings.addUsage(out, 'm-2', T0 - HOUR, T0 + 3 * HOUR, T0, HOUR, 100); // no such meter: adds nothing
    expect(out).toEqual([10, 20, 5.5]);
  });

  it('gives the same litres as the walk over 35 days of a busy minute meter', () => {
    const { store } = tempStore();
    seedHousehold(store, 'hh-1', 'm-1');
    const rng = new Rng(7);
    const rs: Reading[] = [];
    let total = 0;
    for (let ts = T0; ts < T0 + 35 * 24 * HOUR; ts += MIN + Math.floor(rng.next() * 1000)) {
      const r = rng.next();
      total += r < 0.7 ? 0 : r < 0.999 ? rng.next() * 12 : r < 0.9995 ? -40 : 800; // still, use, a reset, a glitch
      rs.push({ meterId: 'm-1', ts, totalLiters: Math.round(total * 10) / 10, receivedAt: ts });
    }
    store.readings.addMany(rs);
    const start = T0 + 7 * 24 * HOUR;
    const out = new Array<number>(28).fill(0);
    store.readings.addUsage(out, 'm-1', start - HOUR, start + 28 * 24 * HOUR, start, 24 * HOUR, 100);
    const ref = walk(rs.filter((r) => r.ts >= start - HOUR && r.ts < start + 28 * 24 * HOUR), start, 24 * HOUR, 28, 100);
    expect(out.map((x) => Math.round(x * 10) / 10)).toEqual(ref.map((x) => Math.round(x * 10) / 10));
    expect(ref.every((x) => x > 0)).toBe(true);
  });
});
