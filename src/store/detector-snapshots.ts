// The detector's learned state, one opaque versioned text per meter. The store does not
// know the format (src/service/detector-snapshot.ts does); it only keeps the latest copy.
import type { Database } from 'better-sqlite3';

export interface DetectorSnapshotRow {
  meterId: string;
  version: number;
  state: string;
  savedAt: number;
}

interface Row {
  meter_id: string;
  version: number;
  state: string;
  saved_at: number;
}

export function detectorSnapshotsRepo(db: Database) {
  const upsert = db.prepare(
    `INSERT INTO detector_snapshots (meter_id, version, state, saved_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (meter_id) DO UPDATE SET version = excluded.version, state = excluded.state, saved_at = excluded.saved_at`,
  );
  const all = db.prepare<[], Row>('SELECT meter_id, version, state, saved_at FROM detector_snapshots ORDER BY meter_id');
  const one = db.prepare<[string], Row>('SELECT meter_id, version, state, saved_at FROM detector_snapshots WHERE meter_id = ?');
  const del = db.prepare<[string]>('DELETE FROM detector_snapshots WHERE meter_id = ?');
  const toRow = (r: Row): DetectorSnapshotRow => ({ meterId: r.meter_id, version: r.version, state: r.state, savedAt: r.saved_at });

  /** One transaction: after a crash the table holds either the previous save or this one. */
  const saveAll = db.transaction((rows: readonly DetectorSnapshotRow[]): void => {
    for (const r of rows) upsert.run(r.meterId, r.version, r.state, r.savedAt);
  });

  return {
    saveAll,
    list(): DetectorSnapshotRow[] {
      return all.all().map(toRow);
    },
    /**
     * Row by row, for the restore at start-up: each meter's text (about 15 KB once four weeks
     * are learned) is garbage as soon as it is decoded, instead of the whole fleet's staying
     * alive through the restore and being promoted for a later major GC to collect. No other
     * statement may run on this connection until the iteration ends.
     */
    *each(): Generator<DetectorSnapshotRow> {
      for (const r of all.iterate()) yield toRow(r);
    },
    /** The meter's learned state is gone (consent withdrawn): true when there was one. */
    delete(meterId: string): boolean {
      return del.run(meterId).changes > 0;
    },
    get(meterId: string): DetectorSnapshotRow | undefined {
      const r = one.get(meterId);
      return r && toRow(r);
    },
  };
}
