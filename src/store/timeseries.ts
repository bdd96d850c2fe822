// SQLite side of the time-series writer: the durable spool of points InfluxDB has not
// accepted (migration 8), and the usage of a household in a time bucket, computed from the
// readings table so it survives restarts and late batches.
import type { Database } from 'better-sqlite3';
import type { SpoolClass } from '../timeseries/schema.ts';
import { tagText, taggedWith } from '../timeseries/line-protocol.ts';

export interface SpoolRow {
  id: number;
  line: string;
  spooledAt: number;
}

export interface SpoolAddResult {
  added: number;
  /** Points dropped to stay within the bound, by class (never 'alert'). */
  dropped: Partial<Record<SpoolClass, number>>;
}

/** The most a domestic meter can turn (the detector's data-fault limit): a larger step is a swap, not use. */
const MAX_LPM = 100;

export function timeseriesRepo(db: Database) {
  const insert = db.prepare('INSERT INTO ts_spool (class, line, spooled_at) VALUES (?, ?, ?)');
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM ts_spool');
  const dropOldest = db.prepare<[string, number]>('DELETE FROM ts_spool WHERE id IN (SELECT id FROM ts_spool WHERE class = ? ORDER BY id LIMIT ?)');
  const head = db.prepare<[number], { id: number; line: string; spooled_at: number }>('SELECT id, line, spooled_at FROM ts_spool ORDER BY id LIMIT ?');
  const oldest = db.prepare<[], { spooled_at: number }>('SELECT spooled_at FROM ts_spool ORDER BY id LIMIT 1');
  const removeUpTo = db.prepare<[number]>('DELETE FROM ts_spool WHERE id <= ?');
  const removeId = db.prepare<[number]>('DELETE FROM ts_spool WHERE id = ?');
  let count = countAll.get()!.n;

  // Litres used by these meters in [start, end): the sum of register steps between
  // consecutive stored readings that end inside the bucket. A step faster than MAX_LPM is
  // dropped, not capped: it is a swap or a corrupt value, and the dashboard's chart
  // (src/store/readings.ts buckets) and the detector count it as nothing, so Grafana must too.
  // One lookback day finds the reading before the bucket (hourly and daily batch meters included).
  const usageSql = (n: number) =>
    db.prepare(`
      SELECT COALESCE(SUM(d), 0) AS liters FROM (
        SELECT ts,
               total_liters - LAG(total_liters) OVER w AS d,
               ts - LAG(ts) OVER w AS gap
        FROM readings
        WHERE meter_id IN (${Array(n).fill('?').join(',')}) AND ts >= ? AND ts < ?
        WINDOW w AS (PARTITION BY meter_id ORDER BY ts)
      ) WHERE ts >= ? AND d > 0 AND gap > 0 AND d * 60000 <= ${MAX_LPM} * gap`);
  const usageStmts = new Map<number, ReturnType<typeof usageSql>>();

  return {
    /** Appends lines (oldest first) in one transaction, dropping readings then derived points past `max`. */
    spool(lines: { line: string; cls: SpoolClass }[], at: number, max: number): SpoolAddResult {
      return db.transaction((): SpoolAddResult => {
        const dropped: SpoolAddResult['dropped'] = {};
        let added = 0;
        for (const { line, cls } of lines) {
          if (count >= max) {
            // Make room: the oldest raw reading, else the oldest derived point; alerts are never dropped.
            let freed = false;
            for (const victim of ['reading', 'derived'] as const) {
              if (dropOldest.run(victim, 1).changes > 0) {
                dropped[victim] = (dropped[victim] ?? 0) + 1;
                count--;
                freed = true;
                break;
              }
            }
            if (!freed && cls !== 'alert') {
              dropped[cls] = (dropped[cls] ?? 0) + 1; // the spool holds alerts only: the newcomer goes
              continue;
            }
          }
          insert.run(cls, line, at);
          count++;
          added++;
        }
        return { added, dropped };
      })();
    },
    /** The oldest `limit` spooled points, in spool order. */
    head(limit: number): SpoolRow[] {
      return head.all(limit).map((r) => ({ id: r.id, line: r.line, spooledAt: r.spooled_at }));
    },
    /** Removes every point up to and including `id` (after they were written). */
    remove(upToId: number): number {
      const n = removeUpTo.run(upToId).changes;
      count -= n;
      return n;
    },
    /**
     * Erasure: deletes every spooled point tagged with this household or one of its meters
     * (readings, usage, alert events), so none is sent to InfluxDB later. instr() only narrows
     * the scan; each candidate's tags are then read exactly (src/timeseries/line-protocol.ts).
     * Run inside the erasure's transaction; returns the points deleted.
     */
    removeTagged(householdId: string, meterIds: readonly string[]): number {
      const needles = [`household=${tagText(householdId)}`, ...meterIds.map((m) => `meter=${tagText(m)}`)];
      const candidates = db
        .prepare<string[], { id: number; line: string }>(`SELECT id, line FROM ts_spool WHERE ${needles.map(() => 'instr(line, ?) > 0').join(' OR ')}`)
        .all(...needles);
      const isTagged = taggedWith([householdId], meterIds);
      let n = 0;
      db.transaction(() => {
        for (const r of candidates) if (isTagged(r.line)) n += removeId.run(r.id).changes;
      })();
      count -= n;
      return n;
    },
    /** Counts the table again (after a transaction that removed points was rolled back). */
    recount(): void {
      count = countAll.get()!.n;
    },
    count: () => count,
    oldestSpooledAt: (): number | undefined => oldest.get()?.spooled_at,
    /** Litres used by `meterIds` in [start, end). */
    usageLiters(meterIds: string[], start: number, end: number): number {
      if (!meterIds.length) return 0;
      let stmt = usageStmts.get(meterIds.length);
      if (!stmt) usageStmts.set(meterIds.length, (stmt = usageSql(meterIds.length)));
      const row = stmt.get(...meterIds, start - 86_400_000, end, start) as { liters: number };
      return row.liters;
    },
  };
}

export type TimeseriesRepo = ReturnType<typeof timeseriesRepo>;
