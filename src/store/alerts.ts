// Alerts and their history. Every change to an alert row writes its alert_events entry in
// the same transaction, so the history can never disagree with the alert.
import type { Database } from 'better-sqlite3';
import type { Alert, AlertStage, AlertStatus, AlertType, VisitOutcome } from '../domain/alert.ts';
import type { AlertChange } from '../alerting/lifecycle.ts';

export const ALERT_EVENT_KINDS = [
  'opened',
  'acknowledged',
  'resolved',
  'note',
  'escalated',
  'outcome',
  // Delivery (src/notify): a notification queued in the outbox, delivered, failed for good, cancelled (ladder stopped).
  'notification-queued',
  'notification-sent',
  'notification-failed',
  'notification-cancelled',
] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

export interface AlertEvent {
  alertId: string;
  at: number;
  kind: AlertEventKind;
  by: string;
  note?: string;
}

export interface AlertQuery {
  status?: AlertStatus;
  type?: AlertType;
  meterId?: string;
  /** Through the meter's household. */
  householdId?: string;
  /** openedAt >= since (epoch ms). */
  since?: number;
  /** resolvedAt >= resolvedSince (epoch ms): resolved lately, however long ago it opened. */
  resolvedSince?: number;
  /** Only alerts of households in these grids (a grid worker's scope; [] = none). */
  gridIds?: string[];
  limit: number;
  offset: number;
}

interface AlertRow {
  id: string;
  meter_id: string;
  type: AlertType;
  status: AlertStatus;
  opened_at: number;
  observed_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution: 'auto' | 'manual' | null;
  note: string | null;
  stage: AlertStage | null;
  outcome: VisitOutcome | null;
  reason: string;
}

function toAlert(r: AlertRow): Alert {
  const a: Alert = {
    id: r.id,
    meterId: r.meter_id,
    type: r.type,
    status: r.status,
    openedAt: r.opened_at,
    observedAt: r.observed_at,
    reason: JSON.parse(r.reason) as Alert['reason'],
  };
  if (r.acknowledged_at !== null) a.acknowledgedAt = r.acknowledged_at;
  if (r.acknowledged_by !== null) a.acknowledgedBy = r.acknowledged_by;
  if (r.resolved_at !== null) a.resolvedAt = r.resolved_at;
  if (r.resolved_by !== null) a.resolvedBy = r.resolved_by;
  if (r.resolution !== null) a.resolution = r.resolution;
  if (r.note !== null) a.note = r.note;
  if (r.stage !== null) a.stage = r.stage;
  if (r.outcome !== null) a.outcome = r.outcome;
  return a;
}

const toParams = (a: Alert) => ({
  id: a.id,
  meterId: a.meterId,
  type: a.type,
  status: a.status,
  openedAt: a.openedAt,
  observedAt: a.observedAt,
  acknowledgedAt: a.acknowledgedAt ?? null,
  acknowledgedBy: a.acknowledgedBy ?? null,
  resolvedAt: a.resolvedAt ?? null,
  resolvedBy: a.resolvedBy ?? null,
  resolution: a.resolution ?? null,
  note: a.note ?? null,
  stage: a.stage ?? null,
  outcome: a.outcome ?? null,
  reason: JSON.stringify(a.reason),
});

function whereOf(q: Omit<AlertQuery, 'limit' | 'offset'>): string {
  const clauses: string[] = [];
  if (q.status !== undefined) clauses.push('a.status = @status');
  if (q.type !== undefined) clauses.push('a.type = @type');
  if (q.meterId !== undefined) clauses.push('a.meter_id = @meterId');
  if (q.householdId !== undefined) clauses.push('a.meter_id IN (SELECT id FROM meters WHERE household_id = @householdId)');
  if (q.since !== undefined) clauses.push('a.opened_at >= @since');
  if (q.resolvedSince !== undefined) clauses.push('a.resolved_at >= @resolvedSince');
  // A grid worker's scope, as households.list: in these grids and not withdrawn (the alert itself
  // is 404 to them then; the list must not show it either).
  if (q.gridIds !== undefined)
    clauses.push('a.meter_id IN (SELECT m.id FROM meters m JOIN households h ON h.id = m.household_id WHERE h.grid_id IN (SELECT value FROM json_each(@gridIdsJson)) AND h.consent_withdrawn_at IS NULL)');
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

export function alertsRepo(db: Database) {
  const insertRow = db.prepare(
    `INSERT INTO alerts (id, meter_id, type, status, opened_at, observed_at, acknowledged_at, acknowledged_by,
       resolved_at, resolved_by, resolution, note, stage, outcome, reason)
     VALUES (@id, @meterId, @type, @status, @openedAt, @observedAt, @acknowledgedAt, @acknowledgedBy,
       @resolvedAt, @resolvedBy, @resolution, @note, @stage, @outcome, @reason)
     ON CONFLICT (id) DO NOTHING`,
  );
  const updateRow = db.prepare(
    `UPDATE alerts SET meter_id = @meterId, type = @type, status = @status, opened_at = @openedAt,
       observed_at = @observedAt, acknowledged_at = @acknowledgedAt, acknowledged_by = @acknowledgedBy,
       resolved_at = @resolvedAt, resolved_by = @resolvedBy, resolution = @resolution, note = @note,
       stage = @stage, outcome = @outcome, reason = @reason
     WHERE id = @id`,
  );
  const insertEvent = db.prepare('INSERT INTO alert_events (alert_id, at, kind, by, note) VALUES (?, ?, ?, ?, ?)');
  const byId = db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?');
  const active = db.prepare<[], AlertRow>("SELECT * FROM alerts WHERE status != 'resolved' ORDER BY opened_at, id");
  // By the household's meters (meters_household), then each meter's alerts (alerts_meter): the
  // open ones are few, however many resolved ones a flaky meter piled up.
  const activeOfHousehold = db.prepare<[string], AlertRow>(
    "SELECT a.* FROM alerts a WHERE a.meter_id IN (SELECT id FROM meters WHERE household_id = ?) AND a.status != 'resolved' ORDER BY a.opened_at DESC, a.id DESC",
  );
  const events = db.prepare<[string], { alert_id: string; at: number; kind: AlertEventKind; by: string; note: string | null }>(
    'SELECT alert_id, at, kind, by, note FROM alert_events WHERE alert_id = ? ORDER BY id',
  );
  const addEvent = (e: AlertEvent) => insertEvent.run(e.alertId, e.at, e.kind, e.by, e.note ?? null);

  /** Idempotent on id, so re-applying the same change after a crash does not duplicate history. */
  const insert = db.transaction((alert: Alert): boolean => {
    if (insertRow.run(toParams(alert)).changes === 0) return false;
    addEvent({ alertId: alert.id, at: alert.openedAt, kind: 'opened', by: 'system' });
    return true;
  });

  /** False when there is no such alert (nothing is written). */
  const update = db.transaction((alert: Alert, event: Omit<AlertEvent, 'alertId'>): boolean => {
    if (updateRow.run(toParams(alert)).changes === 0) return false;
    addEvent({ ...event, alertId: alert.id });
    return true;
  });

  return {
    insert,
    update,

    /** Persists what the lifecycle returned; `note` adds the operator's words to the history. */
    record(change: AlertChange, note?: string): boolean {
      const a = change.alert;
      if (change.kind === 'opened') return insert(a);
      if (change.kind === 'escalated') return update(a, { kind: 'escalated', at: change.at, by: 'system', note: a.reason.zh });
      if (change.kind === 'acknowledged') {
        return update(a, { kind: 'acknowledged', at: a.acknowledgedAt ?? a.openedAt, by: a.acknowledgedBy ?? 'system', ...(note !== undefined && { note }) });
      }
      const resolvedNote = note ?? a.note;
      return update(a, { kind: 'resolved', at: a.resolvedAt ?? a.openedAt, by: a.resolvedBy ?? 'system', ...(resolvedNote !== undefined && { note: resolvedNote }) });
    },

    /** A timeline entry that changes nothing on the alert row (a notification step). */
    addEvent(e: AlertEvent): boolean {
      if (!byId.get(e.alertId)) return false;
      addEvent(e);
      return true;
    },

    addNote(alertId: string, at: number, by: string, note: string): boolean {
      if (!byId.get(alertId)) return false;
      addEvent({ alertId, at, kind: 'note', by, note });
      return true;
    },

    get(id: string): Alert | undefined {
      const row = byId.get(id);
      return row && toAlert(row);
    },

    /** Newest first. */
    list(query: AlertQuery): { items: Alert[]; total: number } {
      const where = whereOf(query);
      const q = { ...query, gridIdsJson: query.gridIds && JSON.stringify(query.gridIds) };
      const rows = db
        .prepare<typeof q, AlertRow>(`SELECT a.* FROM alerts a ${where} ORDER BY a.opened_at DESC, a.id DESC LIMIT @limit OFFSET @offset`)
        .all(q);
      const { n } = db.prepare<typeof q, { n: number }>(`SELECT count(*) AS n FROM alerts a ${where}`).get(q)!;
      return { items: rows.map(toAlert), total: n };
    },

    /** Open and acknowledged alerts, oldest first: what the AlertBook is rebuilt from at start-up. */
    listActive(): Alert[] {
      return active.all().map(toAlert);
    },

    /** Every open or acknowledged alert of the household's meters, newest first (no page: a status lists them all). */
    listActiveOfHousehold(householdId: string): Alert[] {
      return activeOfHousehold.all(householdId).map(toAlert);
    },

    history(alertId: string): AlertEvent[] {
      return events.all(alertId).map((r) => ({
        alertId: r.alert_id,
        at: r.at,
        kind: r.kind,
        by: r.by,
        ...(r.note !== null && { note: r.note }),
      }));
    },
  };
}

export type AlertsRepo = ReturnType<typeof alertsRepo>;
