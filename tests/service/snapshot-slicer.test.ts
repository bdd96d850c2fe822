// The periodic detector snapshot runs a few ms per event-loop turn (issue 12.5): every meter
// is saved, no slice runs past its budget by more than one meter, a meter forgotten mid-save
// gets no row, and a save can be stopped. Time is injected: a clock that moves per read, and
// turns stepped by hand.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, type DetectorState } from '../../src/detect/detector.ts';
import { restoreDetector } from '../../src/service/detector-snapshot.ts';
import { snapshotForm } from '../../src/service/meter-state-schema.ts';
import { createSnapshotSlicer } from '../../src/service/snapshot-slicer.ts';
import type { DetectorSnapshotRow } from '../../src/store/index.ts';
import { drive, household } from '../detect/timeline.ts';
import { tempStore } from '../store/temp-store.ts';

/** `n` meters with a few days learned (one household, cloned under new ids). */
function fleet(n: number): DetectorState {
  const learned = createDetector(defaultDetectorConfig);
  drive(learned, household({ meterId: 'm-0', cadenceMin: 15, days: 3, seed: 3 }).readings());
  const d = createDetector(defaultDetectorConfig);
  const m0 = learned.meters.get('m-0')!;
  for (let i = 0; i < n; i++) {
    const m = structuredClone(m0);
    m.meterId = `m-${i}`;
    d.meters.set(m.meterId, m);
  }
  return d;
}

/** Turns stepped by the test; the clock reads 1 ms later each time (so each encode "costs" 1 ms or more). */
function harness(d: DetectorState, write: (rows: DetectorSnapshotRow[]) => void, budgetMs = 4) {
  let t = 0;
  const turns: (() => void)[] = [];
  const slicer = createSnapshotSlicer({ detector: d, write, clock: () => 1_000_000, budgetMs, now: () => t++, yieldTurn: (next) => void turns.push(next) });
  const step = () => turns.shift()?.();
  return { slicer, turns, step };
}

describe('sliced detector snapshot', () => {
  it('saves every meter over many short slices, each its own transaction, and they restore', async () => {
    const { store } = tempStore();
    const d = fleet(40);
    const sizes: number[] = [];
    const { slicer, turns, step } = harness(d, (rows) => (sizes.push(rows.length), store.detectorSnapshots.saveAll(rows)));
    const done = slicer.save();
    expect(slicer.running).toBe(true);
    expect(slicer.save()).toBe(done); // not started twice
    while (turns.length) step();
    const r = await done;
    expect(r.meters).toBe(40);
    expect(r.slices).toBe(sizes.length);
    expect(sizes.length).toBeGreaterThan(5); // not one transaction
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4); // a 4 ms budget with ≥ 1 ms per meter
    expect(slicer.running).toBe(false);
    const back = createDetector(defaultDetectorConfig);
    expect(restoreDetector(back, store.detectorSnapshots.list(), 1_000_000, pino({ enabled: false }))).toMatchObject({ restored: 40, ignored: 0, skipped: 0 });
    // The number lists come back without their growth slack (snapshotForm).
    expect(back.meters.get('m-17')).toEqual(snapshotForm(d.meters.get('m-17')!));
  });

  it('writes no row for a meter forgotten while the save runs (consent withdrawn)', async () => {
    const d = fleet(20);
    const written: string[] = [];
    const { slicer, turns, step } = harness(d, (rows) => written.push(...rows.map((r) => r.meterId)));
    const done = slicer.save();
    d.meters.delete('m-19'); // after the first slice, before its turn
    while (turns.length) step();
    await done;
    expect(written).toHaveLength(19);
    expect(written).not.toContain('m-19');
  });

  it('stops after the current slice, and reports a failing write', async () => {
    const d = fleet(20);
    const written: string[] = [];
    const { slicer, turns, step } = harness(d, (rows) => written.push(...rows.map((r) => r.meterId)));
    const done = slicer.save();
    slicer.stop();
    step();
    const r = await done;
    expect(r.meters).toBe(written.length);
    expect(written.length).toBeLessThan(20);
    expect(turns).toHaveLength(0);

    const failing = harness(d, () => {
      throw new Error('SQLITE_FULL');
    });
    await expect(failing.slicer.save()).rejects.toThrow('SQLITE_FULL');
    expect(failing.slicer.running).toBe(false);
  });
});
