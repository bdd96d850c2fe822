// Recent raw readings, for the dashboard and for re-checking a meter after an incident.
// Long-term history belongs to the time-series store; this table is pruned by retention.
import type { Database } from 'better-sqlite3';
import type { Reading } from '../domain/reading.ts';

interface Row {
  meter_id: string;
  ts: number;
  total_liters: number;
  received_at: number;
  seq: number | null;
  flow_lpm: number | null;
  battery: number | null;
}

function toReading(r: Row): Reading {
  const out: Reading = { meterId: r.meter_id, ts: r.ts, totalLiters: r.total_liters, receivedAt: r.received_at };
  if (r.seq !== null) out.seq = r.seq;
  if (r.flow_lpm !== null) out.flowLpm = r.flow_lpm;
  if (r.battery !== null) out.battery = r.battery;
  return out;
}

/** Rows per multi-row INSERT: one statement run for 64 (or 16) rows instead of one per row
 *  (bench/pipeline.ts: the per-row run was the largest single cost after the broker). */
const WIDE = 64;
const NARROW = 16;
const COLUMNS = 7;

const insertSql = (rows: number) =>
  `INSERT OR IGNORE INTO readings (meter_id, ts, total_liters, received_at, seq, flow_lpm, battery)
     VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`;

export function readingsRepo(db: Database) {
  // A retransmission has the same (meter_id, ts): ignoring it keeps the first copy. Within one
  // multi-row statement the rows are inserted in order, so the same holds there, and `changes`
  // counts only the rows inserted.
  const insert = db.prepare(insertSql(1));
  const insertNarrow = db.prepare(insertSql(NARROW));
  const insertWide = db.prepare(insertSql(WIDE));
  // One parameter array, reused: nothing is allocated per row.
  const params: (string | number | null)[] = new Array<null>(WIDE * COLUMNS).fill(null);
  const narrowParams: (string | number | null)[] = new Array<null>(NARROW * COLUMNS).fill(null);
  const recent = db.prepare<[string, number], Row>('SELECT * FROM readings WHERE meter_id = ? ORDER BY ts DESC LIMIT ?');
  const prune = db.prepare('DELETE FROM readings WHERE ts < ?');
  // The oldest `limit` rows at most, found through readings_ts: retention deletes in slices (src/jobs/sliced.ts).
  const pruneSome = db.prepare('DELETE FROM readings WHERE (meter_id, ts) IN (SELECT meter_id, ts FROM readings WHERE ts < ? ORDER BY ts LIMIT ?)');
  // For the dashboard's usage charts and battery (the primary key, (meter_id, ts), serves both: there is no other index by meter).
  const between = db.prepare<[string, number, number], Row>('SELECT * FROM readings WHERE meter_id = ? AND ts >= ? AND ts < ? ORDER BY ts');
  // Litres per bucket, summed in SQLite over consecutive readings (LAG), so a chart's answer
  // costs its buckets in memory, not the readings (a 1-minute meter has 50,000 in 35 days; a
  // meter sending far more must not make one request hold them all). A step no domestic meter
  // can make (negative, or faster than maxLpm) counts as nothing, as in the detector. (CAST:
  // JS numbers bind as REAL, so the division would not be an integer one.)
  const buckets = db.prepare<{ meter: string; from: number; to: number; start: number; bucket: number; end: number; maxLpm: number }, { b: number; liters: number }>(
    `SELECT CAST((ts - @start) / @bucket AS INTEGER) AS b, SUM(l) AS liters FROM (
       SELECT ts, total_liters - LAG(total_liters) OVER w AS l, ts - LAG(ts) OVER w AS dt
       FROM readings WHERE meter_id = @meter AND ts >= @from AND ts < @to WINDOW w AS (ORDER BY ts)
     ) WHERE l >= 0 AND dt > 0 AND l * 60000 <= @maxLpm * dt AND ts >= @start AND ts < @end GROUP BY b`,
  );
  // One step back down the primary key from `ts`: the reading an interval ending after it starts from.
  const lastBefore = db.prepare<[string, number], { ts: number }>('SELECT ts FROM readings WHERE meter_id = ? AND ts < ? ORDER BY ts DESC LIMIT 1');
  const lastBattery = db.prepare<[string], { ts: number; battery: number }>(
    'SELECT ts, battery FROM readings WHERE meter_id = ? AND battery IS NOT NULL ORDER BY ts DESC LIMIT 1',
  );

  /** `n` readings from `from` into `into` (COLUMNS per row). */
  const fill = (into: (string | number | null)[], readings: readonly Reading[], from: number, n: number): void => {
    for (let j = 0, o = 0; j < n; j++, o += COLUMNS) {
      const r = readings[from + j]!;
      into[o] = r.meterId;
      into[o + 1] = r.ts;
      into[o + 2] = r.totalLiters;
      into[o + 3] = r.receivedAt;
      into[o + 4] = r.seq ?? null;
      into[o + 5] = r.flowLpm ?? null;
      into[o + 6] = r.battery ?? null;
    }
  };

  /** Returns how many were new; duplicates are not an error. */
  const insertAll = (readings: readonly Reading[]): number => {
    let added = 0;
    let i = 0;
    for (; i + WIDE <= readings.length; i += WIDE) {
      fill(params, readings, i, WIDE);
      added += insertWide.run(params).changes;
    }
    for (; i + NARROW <= readings.length; i += NARROW) {
      fill(narrowParams, readings, i, NARROW);
      added += insertNarrow.run(narrowParams).changes;
    }
    for (; i < readings.length; i++) {
      const r = readings[i]!;
      added += insert.run(r.meterId, r.ts, r.totalLiters, r.receivedAt, r.seq ?? null, r.flowLpm ?? null, r.battery ?? null).changes;
    }
    return added;
  };
  const addMany = db.transaction(insertAll);

  return {
    addMany,

    /** The same, inside a transaction the caller already holds (the group commit, write-queue.ts):
     *  addMany there is a SAVEPOINT and a RELEASE per call, which for one-reading messages cost
     *  as much as the inserts (bench/pipeline.ts). Throws outside a transaction. */
    addManyInTransaction(readings: readonly Reading[]): number {
      if (!db.inTransaction) throw new Error('addManyInTransaction needs an open transaction');
      return insertAll(readings);
    },

    /** Newest first by reading time. */
    recent(meterId: string, limit: number): Reading[] {
      return recent.all(meterId, limit).map(toReading);
    },

    /** Readings of one meter with from <= ts < to, oldest first. */
    between(meterId: string, from: number, to: number): Reading[] {
      return between.all(meterId, from, to).map(toReading);
    },

    /**
     * Litres used per bucket by one meter: each interval between consecutive readings with
     * `from <= ts < to` is attributed to the bucket of its end, buckets of `bucketMs` from
     * `start` (n of them). Adds into `into` (length n), so a household's meters sum.
     */
    addUsage(into: number[], meterId: string, from: number, to: number, start: number, bucketMs: number, maxLpm: number): void {
      const n = into.length;
      for (const r of buckets.all({ meter: meterId, from, to, start, bucket: bucketMs, end: start + bucketMs * n, maxLpm }))
        if (r.b >= 0 && r.b < n) into[r.b]! += r.liters;
    },

    /** When the meter's last reading before `ts` was taken (undefined: none stored). */
    lastBefore(meterId: string, ts: number): number | undefined {
      return lastBefore.get(meterId, ts)?.ts;
    },

    /** The newest battery level a reading carried, with its time. */
    lastBattery(meterId: string): { ts: number; battery: number } | undefined {
      return lastBattery.get(meterId);
    },

    /** Retention: deletes readings taken before `olderThanMs` (an epoch-ms cut-off); returns how many. */
    prune(olderThanMs: number): number {
      return prune.run(olderThanMs).changes;
    },

    /** Like prune, at most `limit` rows (the oldest): one short transaction per call. */
    pruneSome(olderThanMs: number, limit: number): number {
      return pruneSome.run(olderThanMs, limit).changes;
    },
  };
}

export type ReadingsRepo = ReturnType<typeof readingsRepo>;
