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

  it('counts only new rows across the multi-row statements (64, 16, then one by one), keeping the first copy', () => {
    const { store } = tempStore();
    // 150 rows: two statements of 64, one of 16, six single inserts. Duplicates sit inside a
    // 64-row statement, across statements and in the single-row tail.
    const fresh = Array.from({ length: 140 }, (_, i) => r(T0 + i * HOUR, i));
    const dup = (i: number) => r(T0 + i * HOUR, 1000 + i);
    const rows = [...fresh.slice(0, 10), dup(3), ...fresh.slice(10, 70), dup(0), dup(65), ...fresh.slice(70), dup(139), dup(5), dup(100), dup(139), dup(138), dup(1), dup(2)];
    expect(rows).toHaveLength(150);
    let added = 0;
    store.writes.add(() => (added = store.readings.addManyInTransaction(rows)), rows.length);
    store.writes.flushSync();
    expect(added).toBe(140);
    const stored = store.readings.between('m-1', T0, T0 + 1000 * HOUR);
    expect(stored).toEqual(fresh);
    // Every row a retransmission now: none new, whatever the statement width.
    for (const n of [1, 15, 16, 17, 63, 64, 65, 140]) expect(store.readings.addMany(fresh.slice(0, n).map((x) => ({ ...x, totalLiters: -1 })))).toBe(0);
    expect(store.readings.between('m-1', T0, T0 + 1000 * HOUR)).toEqual(fresh);
  });

  it('stores the optional fields of every row of a multi-row statement, and null for absent ones', () => {
    const { store } = tempStore();
    const rows = Array.from({ length: 81 }, (_, i) => r(T0 + i * HOUR, i, i % 2 ? { seq: i, flowLpm: i / 4, battery: i % 100 } : {}));
    expect(store.readings.addMany(rows)).toBe(81);
    expect(store.readings.between('m-1', T0, T0 + 100 * HOUR)).toEqual(rows);
  });

  it('prunes readings taken before the cut-off', () => {
    const { store } = tempStore();
    store.readings.addMany([r(T0, 1), r(T0 + HOUR, 2), r(T0 + 2 * HOUR, 3)]);
    expect(store.readings.prune(T0 + HOUR)).toBe(1);
    expect(store.readings.recent('m-1', 10).map((x) => x.ts)).toEqual([T0 + 2 * HOUR, T0 + HOUR]);
  });
});
