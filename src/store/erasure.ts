// PIPL erasure (Art. 47: delete when consent is withdrawn or on request) and the retention of
// tables that have no prune of their own. Erasing a household deletes every row about it —
// readings, detector state, alerts and their history, dead letters of its meters, contacts,
// meters, its consent log and any other table that references it, and the points of the
// time-series spool tagged with it or its meters (they would reach InfluxDB after the
// erasure) — and keeps only an anonymised record that consent existed, its scope and when it
// was withdrawn and erased.
import type { Database } from 'better-sqlite3';
import type { TimeseriesRepo } from './timeseries.ts';
import type { TsErasuresRepo } from './ts-erasures.ts';

export type ErasureReason = 'consent-withdrawn' | 'deletion-request';

export interface ErasedRecord {
  householdId: string;
  consentedAt?: number;
  consentScope?: string[];
  withdrawnAt?: number;
  erasedAt: number;
  reason: ErasureReason;
}

/** Tables keyed by meter id without a foreign key (audit-like tables that outlive a meter row). */
const BY_METER_ID = ['readings', 'detector_snapshots', 'dead_letters'] as const;
/** Tables keyed by alert id without a foreign key (the planner's wake-ups: written when an alert
 *  is planned, cleared when its ladder ends, so a row can outlive its alert if nobody clears it). */
const BY_ALERT_ID = ['notify_wakeups'] as const;

export interface EraseOptions {
  /** History is configured: record, in this transaction, the deletion of the household's points
   *  InfluxDB already holds (ts_erasures, sent by src/timeseries/erase.ts). */
  timeseries?: boolean;
}

export function erasureRepo(db: Database, opts: { spool?: Pick<TimeseriesRepo, 'removeTagged' | 'recount'>; tsErasures?: Pick<TsErasuresRepo, 'record'> } = {}) {
  /** Tables with a foreign key to `parent` (and the parent's column it names), found at run time
   *  so a table added by a later migration is covered too. */
  const referencing = (parent: string): { table: string; column: string; to: string }[] => {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
    const out: { table: string; column: string; to: string }[] = [];
    for (const { name } of tables)
      for (const fk of db.prepare(`PRAGMA foreign_key_list("${name}")`).all() as { table: string; from: string; to: string | null }[])
        if (fk.table === parent) out.push({ table: name, column: fk.from, to: fk.to ?? primaryKey(parent) });
    return out;
  };
  const primaryKey = (table: string): string =>
    (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; pk: number }[]).find((c) => c.pk === 1)?.name ?? 'rowid';

  /**
   * Delete the rows of `table` matching `where`, and first, at every depth, the rows that
   * reference them (an alert's notifications, then those notifications' attempts): with
   * foreign keys on, a parent deleted before its children fails the whole erasure.
   */
  const cascade = (table: string, where: string, params: unknown[], count: (t: string, n: number) => void, depth = 0): number => {
    if (depth > 8) throw new Error(`erasure: foreign keys nest deeper than 8 tables below "${table}"`);
    for (const r of referencing(table)) cascade(r.table, `"${r.column}" IN (SELECT "${r.to}" FROM "${table}" WHERE ${where})`, params, count, depth + 1);
    const n = db.prepare(`DELETE FROM "${table}" WHERE ${where}`).run(...params).changes;
    count(table, n);
    return n;
  };

  /** The alerts matching `where` and what hangs off them, also where no foreign key says so. */
  const deleteAlerts = (where: string, params: unknown[], count: (t: string, n: number) => void): number => {
    for (const t of BY_ALERT_ID) count(t, db.prepare(`DELETE FROM ${t} WHERE alert_id IN (SELECT id FROM alerts WHERE ${where})`).run(...params).changes);
    return cascade('alerts', where, params, count);
  };

  const erase = db.transaction((householdId: string, reason: ErasureReason, now: number, eo: EraseOptions): Record<string, number> | undefined => {
    const h = db
      .prepare<[string], { consented_at: number | null; consent_scope: string | null; consent_withdrawn_at: number | null }>(
        'SELECT consented_at, consent_scope, consent_withdrawn_at FROM households WHERE id = ?',
      )
      .get(householdId);
    if (!h) return undefined;
    const removed: Record<string, number> = {};
    const count = (t: string, n: number) => n && (removed[t] = (removed[t] ?? 0) + n);
    const meterIds = db.prepare<[string], { id: string }>('SELECT id FROM meters WHERE household_id = ?').all(householdId).map((r) => r.id);
    for (const m of meterIds) {
      // An alert's history, notifications and their attempts go with it (cascade).
      deleteAlerts('meter_id = ?', [m], count);
      for (const t of BY_METER_ID) count(t, db.prepare(`DELETE FROM ${t} WHERE meter_id = ?`).run(m).changes);
    }
    if (opts.spool) count('ts_spool', opts.spool.removeTagged(householdId, meterIds));
    if (eo.timeseries) {
      if (!opts.tsErasures) throw new Error('erasure: timeseries erasure requested without a ts_erasures repo');
      opts.tsErasures.record(householdId, meterIds, now);
    }
    db.prepare(
      'INSERT INTO erased_households (household_id, consented_at, consent_scope, withdrawn_at, erased_at, reason) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(householdId, h.consented_at, h.consent_scope, h.consent_withdrawn_at, now, reason);
    cascade('households', 'id = ?', [householdId], count);
    return removed;
  });

  return {
    /** Undefined when there is no such household; otherwise rows removed per table. */
    erase(householdId: string, reason: ErasureReason, now: number, eo: EraseOptions = {}): Record<string, number> | undefined {
      try {
        return erase(householdId, reason, now, eo);
      } catch (err) {
        opts.spool?.recount(); // rolled back: the spool's points are all there again
        throw err;
      }
    },

    /** Households whose consent was withdrawn before `before`: due for erasure after the grace period. */
    withdrawnBefore(before: number): string[] {
      return db
        .prepare<[number], { id: string }>('SELECT id FROM households WHERE consent_withdrawn_at IS NOT NULL AND consent_withdrawn_at <= ? ORDER BY id')
        .all(before)
        .map((r) => r.id);
    },

    records(householdId: string): ErasedRecord[] {
      const rows = db
        .prepare<[string], { household_id: string; consented_at: number | null; consent_scope: string | null; withdrawn_at: number | null; erased_at: number; reason: ErasureReason }>(
          'SELECT * FROM erased_households WHERE household_id = ? ORDER BY erased_at',
        )
        .all(householdId);
      return rows.map((r) => ({
        householdId: r.household_id,
        ...(r.consented_at !== null && { consentedAt: r.consented_at }),
        ...(r.consent_scope !== null && { consentScope: JSON.parse(r.consent_scope) as string[] }),
        ...(r.withdrawn_at !== null && { withdrawnAt: r.withdrawn_at }),
        erasedAt: r.erased_at,
        reason: r.reason,
      }));
    },

    /** Retention of the anonymised erasure records themselves. */
    pruneRecords(before: number): number {
      return db.prepare('DELETE FROM erased_households WHERE erased_at < ?').run(before).changes;
    },

    /** Retention of resolved alerts (with their history); open ones are never pruned. */
    pruneResolvedAlerts(before: number): number {
      return db.transaction(() => deleteAlerts("status = 'resolved' AND resolved_at < ?", [before], () => {}))();
    },

    /** Snapshots not saved since `before` belong to meters the detector no longer holds. */
    pruneDetectorSnapshots(before: number): number {
      return db.prepare('DELETE FROM detector_snapshots WHERE saved_at < ?').run(before).changes;
    },

  };
}

export type ErasureRepo = ReturnType<typeof erasureRepo>;
