// The periodic detector snapshot, a slice per event-loop turn (issue 12.5). Encoding and
// writing 10,000 meters with four weeks learned took about 0.8 s in one go, during which no
// reading, CONNECT or HTTP request was served. Here each turn encodes meters until half the
// budget is spent, writes them in one transaction, and yields: the loop stops for a few ms
// at a time and the whole save takes a little longer in wall time, which nobody waits for.
//
// What a crash can leave: each meter's row is whole (it was encoded and written in one turn,
// in one transaction), but meters saved in the slices before the crash are from this save and
// the rest from the previous one. That is fine because meters are independent in the detector,
// and each row carries its own savedAt, from which restoreDetector shifts that meter's clock.
// A meter forgotten (consent withdrawn) while the save runs is looked up again when its turn
// comes, so no row is written for it after its data was erased. The save at stop still writes
// everything in one transaction (detector-snapshot.ts snapshotRows): nothing else runs then.
import type { DetectorState } from '../detect/detector.ts';
import type { DetectorSnapshotRow } from '../store/index.ts';
import { snapshotRow } from './detector-snapshot.ts';

export interface SliceDeps {
  detector: DetectorState;
  /** One transaction per slice (store.detectorSnapshots.saveAll). */
  write: (rows: DetectorSnapshotRow[]) => void;
  /** Wall clock for savedAt. */
  clock: () => number;
  /** Per turn, about this long (encode + write). */
  budgetMs: number;
  /** Monotonic ms for the budget; injectable for tests. */
  now?: () => number;
  /** Yields to the event loop; injectable for tests. */
  yieldTurn?: (next: () => void) => void;
}

export interface SliceResult {
  meters: number;
  slices: number;
  /** Wall time from first to last slice. */
  ms: number;
  /** The longest single slice: how long the loop was stopped at most. */
  longestSliceMs: number;
}

export interface SnapshotSlicer {
  /** Starts a save; a save already running is not started twice (its promise is returned). */
  save(): Promise<SliceResult>;
  /** Stops a running save after its current slice (before the store closes). */
  stop(): void;
  readonly running: boolean;
}

export function createSnapshotSlicer(deps: SliceDeps): SnapshotSlicer {
  const now = deps.now ?? (() => performance.now());
  const yieldTurn = deps.yieldTurn ?? ((next) => void setImmediate(next));
  let current: Promise<SliceResult> | undefined;
  let stopped = false;

  const run = () =>
    new Promise<SliceResult>((resolve, reject) => {
      // The meters known now; one added during the save is in the next one.
      const ids = [...deps.detector.meters.keys()];
      const t0 = now();
      let i = 0;
      let meters = 0;
      let slices = 0;
      let longest = 0;
      // Write cost per row, learned from the slices so far: encoding stops early enough for the write to fit.
      let writePerRow = 0;
      const slice = () => {
        if (stopped) return resolve({ meters, slices, ms: now() - t0, longestSliceMs: longest });
        const start = now();
        const savedAt = deps.clock();
        const rows: DetectorSnapshotRow[] = [];
        while (i < ids.length) {
          const m = deps.detector.meters.get(ids[i++]!);
          if (m) rows.push(snapshotRow(m, savedAt));
          if (now() - start + rows.length * writePerRow >= deps.budgetMs) break;
        }
        try {
          const w0 = now();
          if (rows.length) deps.write(rows);
          if (rows.length) writePerRow = (now() - w0) / rows.length;
        } catch (err) {
          return reject(err);
        }
        meters += rows.length;
        slices++;
        longest = Math.max(longest, now() - start);
        if (i < ids.length) yieldTurn(slice);
        else resolve({ meters, slices, ms: now() - t0, longestSliceMs: longest });
      };
      slice();
    });

  return {
    save() {
      stopped = false;
      current ??= run().finally(() => (current = undefined));
      return current;
    },
    stop() {
      stopped = true;
    },
    get running() {
      return current !== undefined;
    },
  };
}
