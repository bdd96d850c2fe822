// The PIPL access log (Art. 51 asks for security measures incl. records of who handled
// personal information; Art. 55 for impact assessments kept with such records): every read
// of a household's personal data and every change, by whom, when and from where.
// Append-only: this repository has no update and no delete except retention (prune), and the
// table's trigger refuses UPDATE (migration 7).
import type { Database } from 'better-sqlite3';

export interface AccessEntry {
  at: number;
  actor: string;
  actorKind: 'session' | 'token' | 'anonymous';
  role?: string;
  action: string;
  method: string;
  route: string;
  householdId?: string;
  /** Household ids a list answer carried (capped). */
  subjects?: string[];
  status: number;
  ip?: string;
  userAgent?: string;
}

export interface AccessQuery {
  householdId?: string;
  actor?: string;
  since?: number;
  until?: number;
  limit: number;
  offset: number;
}

interface Row {
  id: number;
  at: number;
  actor: string;
  actor_kind: AccessEntry['actorKind'];
  role: string | null;
  action: string;
  method: string;
  route: string;
  household_id: string | null;
  subjects: string | null;
  status: number;
  ip: string | null;
  user_agent: string | null;
}

/** A list of 500 households is one entry naming 500 ids; more would only bloat the row. */
export const MAX_SUBJECTS = 500;

const toEntry = (r: Row): AccessEntry & { id: number } => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  actorKind: r.actor_kind,
  ...(r.role !== null && { role: r.role }),
  action: r.action,
  method: r.method,
  route: r.route,
  ...(r.household_id !== null && { householdId: r.household_id }),
  ...(r.subjects !== null && { subjects: JSON.parse(r.subjects) as string[] }),
  status: r.status,
  ...(r.ip !== null && { ip: r.ip }),
  ...(r.user_agent !== null && { userAgent: r.user_agent }),
});

function whereOf(q: Omit<AccessQuery, 'limit' | 'offset'>): string {
  const c: string[] = [];
  // A list read counts as a read of every household it returned.
  if (q.householdId !== undefined)
    c.push('(household_id = @householdId OR (subjects IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(subjects) WHERE value = @householdId)))');
  if (q.actor !== undefined) c.push('actor = @actor');
  if (q.since !== undefined) c.push('at >= @since');
  if (q.until !== undefined) c.push('at < @until');
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
}

export function accessLogRepo(db: Database) {
  const insert = db.prepare(
    `INSERT INTO access_log (at, actor, actor_kind, role, action, method, route, household_id, subjects, status, ip, user_agent)
     VALUES (@at, @actor, @actorKind, @role, @action, @method, @route, @householdId, @subjects, @status, @ip, @userAgent)`,
  );

  return {
    append(e: AccessEntry): number {
      const subjects = e.subjects?.length ? JSON.stringify(e.subjects.slice(0, MAX_SUBJECTS)) : null;
      return Number(
        insert.run({
          at: e.at,
          actor: e.actor.slice(0, 200),
          actorKind: e.actorKind,
          role: e.role ?? null,
          action: e.action,
          method: e.method,
          route: e.route.slice(0, 300),
          householdId: e.householdId ?? null,
          subjects,
          status: e.status,
          ip: e.ip ?? null,
          userAgent: e.userAgent?.slice(0, 300) ?? null,
        }).lastInsertRowid,
      );
    },

    /** Newest first. */
    list(q: AccessQuery): { items: (AccessEntry & { id: number })[]; total: number } {
      const where = whereOf(q);
      const rows = db.prepare<AccessQuery, Row>(`SELECT * FROM access_log ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all(q);
      const { n } = db.prepare<AccessQuery, { n: number }>(`SELECT count(*) AS n FROM access_log ${where}`).get(q)!;
      return { items: rows.map(toEntry), total: n };
    },

    /** Retention, the only way rows leave: entries older than `before` (epoch ms). */
    prune(before: number): number {
      return db.prepare('DELETE FROM access_log WHERE at < ?').run(before).changes;
    },
  };
}

export type AccessLogRepo = ReturnType<typeof accessLogRepo>;
