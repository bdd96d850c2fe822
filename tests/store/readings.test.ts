import { describe, expect, it } from 'vitest';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, T0, tempStore } from './temp-store.ts';

const r = (ts: number, totalLiters: number, extra: Partial<Reading> = {}): Reading => ({
  meterId: 'm-1',
  ts,
  totalLiters,
  receivedAt: ts + 1000,
  ...extra,
});

describe('readings repository', () => {
  it('ignores duplicates by (meter, ts), keeping the first copy', () => {
    const { store } = tempStore();
    expect(store.readings.addMany([r(T0, 10, { seq: 1, flowLpm: 0, battery: 90 }), r(T0 + HOUR, 12)])).toBe(2);
    expect(store.readings.addMany([r(T0, 999), r(T0 + 2 * HOUR, 15), { ...r(T0, 5), meterId: 'm-2' }])).toBe(2);
    expect(store.readings.recent('m-1', 10)).toEqual([
      r(T0 + 2 * HOUR, 15),
      r(T0 + HOUR, 12),
      r(T0, 10, { seq: 1, flowLpm: 0, battery: 90 }),
    ]);
    expect(store.readings.recent('m-1', 1)).toHaveLength(1);
  });

  it('adds inside the group commit\'s transaction without one of its own, and refuses outside one', async () => {
    const { store } = tempStore();
    expect(() => store.readings.addManyInTransaction([r(T0, 1)])).toThrow(/needs an open transaction/);
    let added = 0;
    store.writes.add(() => (added = store.readings.addManyInTransaction([r(T0, 1), r(T0, 9), r(T0 + HOUR, 2)])), 3);
    await store.writes.barrier();
    expect(added).toBe(2); // the retransmission ignored, as addMany does
    expect(store.readings.recent('m-1', 10).map((x) => x.totalLiters)).toEqual([2, 1]);
  });

  it('prunes readings taken before the cut-off', () => {
    const { store } = tempStore();
    store.readings.addMany([r(T0, 1), r(T0 + HOUR, 2), r(T0 + 2 * HOUR, 3)]);
    expect(store.readings.prune(T0 + HOUR)).toBe(1);
    expect(store.readings.recent('m-1', 10).map((x) => x.ts)).toEqual([T0 + 2 * HOUR, T0 + HOUR]);
  });
});
