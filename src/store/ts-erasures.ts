// Erasures of a household's points in InfluxDB still to be sent (migration 13): recorded in the
// erasure's transaction (src/store/erasure.ts), sent and removed by src/timeseries/erase.ts.
import type { Database } from 'better-sqlite3';

export interface TsErasure {
  householdId: string;
  meterIds: string[];
  requestedAt: number;
  attempts: number;
  lastError?: string;
  rejectedAt?: number;
}

type Row = { household_id: string; meter_ids: string; requested_at: number; attempts: number; last_error: string | null; rejected_at: number | null };

export function tsErasuresRepo(db: Database) {
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO ts_erasures (household_id, meter_ids, requested_at) VALUES (?, ?, ?)
     ON CONFLICT (household_id) DO UPDATE SET meter_ids = excluded.meter_ids, requested_at = excluded.requested_at,
       attempts = 0, last_error = NULL, rejected_at = NULL`,
  );
  const all = db.prepare<[], Row>('SELECT * FROM ts_erasures ORDER BY requested_at, household_id');
  const retryable = db.prepare<[], Row>('SELECT * FROM ts_erasures WHERE rejected_at IS NULL ORDER BY requested_at, household_id');
  const del = db.prepare<[string]>('DELETE FROM ts_erasures WHERE household_id = ?');
  const fail = db.prepare<[string, number | null, string]>(
    'UPDATE ts_erasures SET attempts = attempts + 1, last_error = ?, rejected_at = ? WHERE household_id = ?',
  );
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM ts_erasures');
  const toErasure = (r: Row): TsErasure => ({
    householdId: r.household_id,
    meterIds: JSON.parse(r.meter_ids) as string[],
    requestedAt: r.requested_at,
    attempts: r.attempts,
    ...(r.last_error !== null && { lastError: r.last_error }),
    ...(r.rejected_at !== null && { rejectedAt: r.rejected_at }),
  });
  return {
    /** In the erasure's transaction. A household erased again (its id reused) is sent again. */
    record(householdId: string, meterIds: readonly string[], now: number): void {
      upsert.run(householdId, JSON.stringify(meterIds), now);
    },
    /** Those to send: all of them (at start) or only those InfluxDB has not refused. */
    pending(opts: { includeRejected?: boolean } = {}): TsErasure[] {
      return (opts.includeRejected ? all : retryable).all().map(toErasure);
    },
    done(householdId: string): void {
      del.run(householdId);
    },
    /** A failed attempt; `rejectedAt` when it would fail again the same way (not retried in a loop). */
    failed(householdId: string, error: string, rejectedAt?: number): void {
      fail.run(error.slice(0, 500), rejectedAt ?? null, householdId);
    },
    count: (): number => count.get()!.n,
  };
}

export type TsErasuresRepo = ReturnType<typeof tsErasuresRepo>;
