// The PIPL access log (Art. 51 asks for security measures incl. records of who handled
// personal information; Art. 55 for impact assessments kept with such records): every read
// of a household's personal data and every change, by whom, when and from where.
// Append-only: this repository has no update and no delete except retention (prune), and the
// table's trigger refuses UPDATE (migration 7).
// A list answer names every household it returned (PIPL: "who read household #600?" must have an
// answer), as a subject set (migration 14): the ordered ids stored once, keyed by their digest,
// and shared by every entry that returned exactly them. A board re-read every 30 s by an admin of
// 5,000 homes is one small row per read; a household is found through the index on the members.
import { createHash } from 'node:crypto';
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
  /** Household ids a list answer carried, every one (duplicates dropped, order kept). */
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
  subject_set: number | null;
  status: number;
  ip: string | null;
  user_agent: string | null;
}

const toEntry = (r: Row, subjectsOf: (setId: number) => string[]): AccessEntry & { id: number } => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  actorKind: r.actor_kind,
  ...(r.role !== null && { role: r.role }),
  action: r.action,
  method: r.method,
  route: r.route,
  ...(r.household_id !== null && { householdId: r.household_id }),
  ...(r.subject_set !== null ? { subjects: subjectsOf(r.subject_set) } : r.subjects !== null && { subjects: JSON.parse(r.subjects) as string[] }),
  status: r.status,
  ...(r.ip !== null && { ip: r.ip }),
  ...(r.user_agent !== null && { userAgent: r.user_agent }),
});

function whereOf(q: Omit<AccessQuery, 'limit' | 'offset'>): string {
  const c: string[] = [];
  // A list read counts as a read of every household it returned: its sets through
  // access_subject_members_household, their entries through access_log_subject_set.
  if (q.householdId !== undefined)
    c.push('(household_id = @householdId OR subject_set IN (SELECT set_id FROM access_subject_members WHERE household_id = @householdId))');
  if (q.actor !== undefined) c.push('actor = @actor');
  if (q.since !== undefined) c.push('at >= @since');
  if (q.until !== undefined) c.push('at < @until');
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
}

export function accessLogRepo(db: Database) {
  const insert = db.prepare(
    `INSERT INTO access_log (at, actor, actor_kind, role, action, method, route, household_id, subject_set, status, ip, user_agent)
     VALUES (@at, @actor, @actorKind, @role, @action, @method, @route, @householdId, @subjectSet, @status, @ip, @userAgent)`,
  );
  const setByDigest = db.prepare<[string], { id: number }>('SELECT id FROM access_subject_sets WHERE digest = ?');
  const insertSet = db.prepare<[string, number]>('INSERT INTO access_subject_sets (digest, size) VALUES (?, ?)');
  const insertMember = db.prepare<[number, number, string]>('INSERT INTO access_subject_members (set_id, pos, household_id) VALUES (?, ?, ?)');
  const membersOf = db.prepare<[number], { household_id: string }>('SELECT household_id FROM access_subject_members WHERE set_id = ? ORDER BY pos');
  const one = db.prepare<[number], Row>('SELECT * FROM access_log WHERE id = ?');
  const pruneEntries = db.prepare('DELETE FROM access_log WHERE at < ?');
  // Sets no entry refers to any more (the index on access_log.subject_set answers each NOT EXISTS).
  const orphanSets = 'SELECT s.id FROM access_subject_sets s WHERE NOT EXISTS (SELECT 1 FROM access_log a WHERE a.subject_set = s.id)';
  const pruneMembers = db.prepare(`DELETE FROM access_subject_members WHERE set_id IN (${orphanSets})`);
  const pruneSets = db.prepare(`DELETE FROM access_subject_sets WHERE id IN (${orphanSets})`);

  /** The set naming exactly these ids in this order: found by digest, or written once. */
  function subjectSet(ids: readonly string[]): number {
    const digest = createHash('sha256').update(JSON.stringify(ids)).digest('base64url');
    const found = setByDigest.get(digest);
    if (found) return found.id;
    const setId = Number(insertSet.run(digest, ids.length).lastInsertRowid);
    ids.forEach((id, pos) => insertMember.run(setId, pos, id));
    return setId;
  }

  const append = db.transaction((e: AccessEntry): number => {
    const subjects = e.subjects?.length ? [...new Set(e.subjects)] : undefined;
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
        subjectSet: subjects ? subjectSet(subjects) : null,
        status: e.status,
        ip: e.ip ?? null,
        userAgent: e.userAgent?.slice(0, 300) ?? null,
      }).lastInsertRowid,
    );
  });

  const prune = db.transaction((before: number): number => {
    const removed = pruneEntries.run(before).changes;
    if (removed > 0) {
      pruneMembers.run();
      pruneSets.run();
    }
    return removed;
  });

  return {
    /** One entry and, if new, the set of its subjects, in one transaction. Returns the entry id. */
    append(e: AccessEntry): number {
      return append(e);
    },

    /** Newest first. */
    list(q: AccessQuery): { items: (AccessEntry & { id: number })[]; total: number } {
      const where = whereOf(q);
      const rows = db.prepare<AccessQuery, Row>(`SELECT * FROM access_log ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all(q);
      const { n } = db.prepare<AccessQuery, { n: number }>(`SELECT count(*) AS n FROM access_log ${where}`).get(q)!;
      // A page of a board's re-reads names one set many times: read it once.
      const sets = new Map<number, string[]>();
      const subjectsOf = (setId: number) => {
        let ids = sets.get(setId);
        if (!ids) sets.set(setId, (ids = membersOf.all(setId).map((m) => m.household_id)));
        return ids;
      };
      return { items: rows.map((r) => toEntry(r, subjectsOf)), total: n };
    },

    /** One entry with every subject, or undefined. */
    get(id: number): (AccessEntry & { id: number }) | undefined {
      const r = one.get(id);
      return r && toEntry(r, (setId) => membersOf.all(setId).map((m) => m.household_id));
    },

    /** Retention, the only way rows leave: entries older than `before` (epoch ms), then the subject sets none of the rest names. */
    prune(before: number): number {
      return prune(before);
    },
  };
}

export type AccessLogRepo = ReturnType<typeof accessLogRepo>;
