import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import type { DetectorSnapshotRow } from '../../src/store/index.ts';
import { HOUR, T0, tempStore } from './temp-store.ts';

const row = (meterId: string, state: string, savedAt = T0): DetectorSnapshotRow => ({ meterId, version: 1, state, savedAt });

describe('detector snapshots repository', () => {
  it('keeps the latest snapshot per meter, across a reopen', () => {
    const { store, path } = tempStore();
    store.detectorSnapshots.saveAll([row('m-2', '{"a":1}'), row('m-1', '{"a":2}')]);
    store.detectorSnapshots.saveAll([{ ...row('m-1', '{"a":3}', T0 + HOUR), version: 2 }]);
    store.close();
    const again = openStore(path);
    try {
      expect(again.detectorSnapshots.list()).toEqual([{ meterId: 'm-1', version: 2, state: '{"a":3}', savedAt: T0 + HOUR }, row('m-2', '{"a":1}')]);
    } finally {
      again.close();
    }
  });

  it('saves all or nothing: a failing row leaves the previous save intact', () => {
    const { store } = tempStore();
    store.detectorSnapshots.saveAll([row('m-1', 'old-1'), row('m-2', 'old-2')]);
    const bad = { ...row('m-2', 'new-2'), state: null as unknown as string }; // NOT NULL
    expect(() => store.detectorSnapshots.saveAll([row('m-1', 'new-1'), bad, row('m-3', 'new-3')])).toThrow(/NOT NULL/);
    expect(store.detectorSnapshots.list().map((r) => [r.meterId, r.state])).toEqual([
      ['m-1', 'old-1'],
      ['m-2', 'old-2'],
    ]);
  });

  it('reads row by row (the restore at start-up) and one meter at a time (a household export)', () => {
    const { store } = tempStore();
    store.detectorSnapshots.saveAll([row('m-2', '{"a":1}'), row('m-1', '{"a":2}'), row('m-3', '{"a":3}')]);
    const it = store.detectorSnapshots.each();
    // Lazy: the first row is there before the others are read.
    expect(it.next().value).toEqual(row('m-1', '{"a":2}'));
    expect([...it].map((r) => r.meterId)).toEqual(['m-2', 'm-3']);
    expect([...store.detectorSnapshots.each()]).toEqual(store.detectorSnapshots.list());
    expect(store.detectorSnapshots.get('m-3')).toEqual(row('m-3', '{"a":3}'));
    expect(store.detectorSnapshots.get('m-9')).toBeUndefined();
  });
});
