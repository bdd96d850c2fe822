// The group commit's addRows: consecutive messages' rows for one sink are written by one call
// (one multi-row INSERT per 64 readings), yet each message stays its own write when one of them
// can never be stored. Real SQLite files.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../src/domain/reading.ts';
import { openStore } from '../../src/store/index.ts';
import { HOUR, T0, tempDir, tempStore } from './temp-store.ts';

const r = (meterId: string, i: number, totalLiters = i): Reading => ({ meterId, ts: T0 + i * HOUR, totalLiters, receivedAt: T0 + i * HOUR + 1000 });

describe('write queue: rows for one sink', () => {
  it('merges consecutive calls into one call of the sink, in order, and counts their rows', async () => {
    const { store } = tempStore();
    const calls: number[] = [];
    const sink = (rs: readonly Reading[]) => {
      calls.push(rs.length);
      return store.readings.addManyInTransaction(rs);
    };
    store.writes.addRows(sink, [r('m-1', 0), r('m-1', 1)]);
    store.writes.addRows(sink, [r('m-2', 0)]);
    store.writes.addRows(sink, [r('m-1', 2)]);
    expect(store.writes.pendingRows).toBe(4);
    await store.writes.barrier();
    expect(calls).toEqual([4]);
    expect(store.readings.recent('m-1', 10).map((x) => x.ts)).toEqual([T0 + 2 * HOUR, T0 + HOUR, T0]);
    expect(store.readings.recent('m-2', 10)).toHaveLength(1);
  });

  it('keeps other writes in their place: a write in between starts a new call', async () => {
    const { store } = tempStore();
    const order: string[] = [];
    const sink = (rs: readonly Reading[]) => {
      order.push(`rows ${rs.map((x) => x.meterId).join(',')}`);
      return store.readings.addManyInTransaction(rs);
    };
    store.writes.addRows(sink, [r('a', 0)]);
    store.writes.add(() => void order.push('other'));
    store.writes.addRows(sink, [r('b', 0)]);
    store.writes.addRows(sink, [r('c', 0)]);
    await store.writes.barrier();
    expect(order).toEqual(['rows a', 'other', 'rows b,c']);
  });

  it('does not merge past the batch size: a full batch commits on its own', async () => {
    const path = join(tempDir(), 'anxin.db');
    const store = openStore(path, { commitRows: 3 });
    try {
      const calls: number[] = [];
      const sink = (rs: readonly Reading[]) => calls.push(rs.length);
      store.writes.addRows(sink, [r('m', 0), r('m', 1)]);
      store.writes.addRows(sink, [r('m', 2)]);
      store.writes.addRows(sink, [r('m', 3)]); // the first batch holds 3 rows: a new one
      await store.writes.barrier();
      expect(calls).toEqual([3, 1]);
    } finally {
      store.close();
    }
  });

  it('loses only the message whose rows can never be stored; the others commit', async () => {
    const errors: unknown[] = [];
    const store = openStore(join(tempDir(), 'anxin.db'), { onPermanentWriteError: (e) => errors.push(e) });
    try {
      const sink = (rs: readonly Reading[]) => store.readings.addManyInTransaction(rs);
      // A value SQLite cannot bind: a bug of ours, never a storage fault (a NULL would only be ignored).
      const bad = { ...r('m-1', 5), totalLiters: {} as unknown as number };
      store.writes.addRows(sink, [r('m-1', 0), r('m-1', 1)]);
      store.writes.addRows(sink, [r('m-1', 4), bad]);
      store.writes.addRows(sink, Array.from({ length: 70 }, (_, i) => r('m-2', i)));
      await store.writes.barrier();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(Error);
      expect(store.readings.recent('m-1', 10).map((x) => x.ts)).toEqual([T0 + HOUR, T0]);
      expect(store.readings.recent('m-2', 100)).toHaveLength(70);
    } finally {
      store.close();
    }
  });

  it('keeps merged rows through a transient fault and commits them once the storage is back', async () => {
    const { store, path } = tempStore();
    const sink = (rs: readonly Reading[]) => store.readings.addManyInTransaction(rs);
    // Another connection holds the write lock (an operator's shell): SQLITE_BUSY, transient.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    store.writes.addRows(sink, [r('m-1', 0)]);
    store.writes.addRows(sink, [r('m-1', 1)]);
    const done = store.writes.barrier();
    await new Promise<void>((resolve) => store.faults.on((e) => e.kind === 'failing' && resolve()));
    expect(store.readings.recent('m-1', 10)).toHaveLength(0);
    other.exec('ROLLBACK');
    other.close();
    await done;
    expect(store.readings.recent('m-1', 10).map((x) => x.totalLiters)).toEqual([1, 0]);
  });
});
