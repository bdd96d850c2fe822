// Households with their consent record and away period. Consent lives on the household row
// (one current record) and every change is also appended to consent_log for audits.
import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Consent, Household } from '../domain/household.ts';
import { fail, type Failure } from './failure.ts';

interface HouseholdRow {
  id: string;
  name: string;
  address: string | null;
  grid_id: string | null;
  away_from: number | null;
  away_until: number | null;
  consented_by: string | null;
  consented_at: number | null;
  consent_scope: string | null;
  consent_withdrawn_at: number | null;
  created_at: number;
}

export interface NewHousehold {
  /** Chosen by the caller (e.g. a community register number) or generated. */
  id?: string;
  name: string;
  address?: string;
  gridId?: string;
}

/** `null` clears an optional field; an absent key leaves it alone. */
export interface HouseholdPatch {
  name?: string;
  address?: string | null;
  gridId?: string | null;
}

export interface ConsentLogEntry {
  at: number;
  kind: 'given' | 'withdrawn';
  by?: string;
  scope?: string[];
}

const PATCH_COLUMNS: Record<keyof HouseholdPatch, string> = { name: 'name', address: 'address', gridId: 'grid_id' };

type NotFound = Failure<'household-not-found'>;
const notFound = (id: string): NotFound => fail('household-not-found', `no household with id "${id}"`);

function toHousehold(r: HouseholdRow): Household {
  const h: Household = { id: r.id, name: r.name, createdAt: r.created_at };
  if (r.address !== null) h.address = r.address;
  if (r.grid_id !== null) h.gridId = r.grid_id;
  if (r.away_from !== null && r.away_until !== null) {
    h.awayFrom = r.away_from;
    h.awayUntil = r.away_until;
  }
  if (r.consented_by !== null && r.consented_at !== null) {
    const c: Consent = { consentedBy: r.consented_by, consentedAt: r.consented_at, scope: JSON.parse(r.consent_scope ?? '[]') };
    if (r.consent_withdrawn_at !== null) c.withdrawnAt = r.consent_withdrawn_at;
    h.consent = c;
  }
  return h;
}

export function householdsRepo(db: Database) {
  const byId = db.prepare<[string], HouseholdRow>('SELECT * FROM households WHERE id = ?');
  const insert = db.prepare(
    'INSERT INTO households (id, name, address, grid_id, created_at) VALUES (@id, @name, @address, @gridId, @createdAt)',
  );
  const logConsent = db.prepare('INSERT INTO consent_log (household_id, at, kind, by, scope) VALUES (?, ?, ?, ?, ?)');
  const get = (id: string): Household | undefined => {
    const row = byId.get(id);
    return row && toHousehold(row);
  };
  /** Runs `change` and returns the fresh household, or not-found when nothing matched. */
  const mutate = (id: string, change: () => number): Household | NotFound =>
    db.transaction(() => (change() === 0 ? notFound(id) : get(id)!))();

  return {
    get,

    create(input: NewHousehold, now: number): Household | Failure<'household-exists'> {
      const id = input.id ?? `hh-${randomBytes(6).toString('hex')}`;
      if (byId.get(id)) return fail('household-exists', `a household with id "${id}" already exists`);
      insert.run({ id, name: input.name, address: input.address ?? null, gridId: input.gridId ?? null, createdAt: now });
      return get(id)!;
    },

    /** `gridIds`: only households in these grids and not withdrawn (a grid worker's scope; [] = none). */
    list(q: { gridId?: string; gridIds?: string[]; limit: number; offset: number }): { items: Household[]; total: number } {
      const clauses = [
        ...(q.gridId === undefined ? [] : ['grid_id = @gridId']),
        ...(q.gridIds === undefined ? [] : ['grid_id IN (SELECT value FROM json_each(@gridIds))', 'consent_withdrawn_at IS NULL']),
      ];
      const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
      const params = { gridId: q.gridId, gridIds: q.gridIds && JSON.stringify(q.gridIds), limit: q.limit, offset: q.offset };
      const rows = db
        .prepare<typeof params, HouseholdRow>(`SELECT * FROM households ${where} ORDER BY created_at, id LIMIT @limit OFFSET @offset`)
        .all(params);
      const { n } = db.prepare<typeof params, { n: number }>(`SELECT count(*) AS n FROM households ${where}`).get(params)!;
      return { items: rows.map(toHousehold), total: n };
    },

    update(id: string, patch: HouseholdPatch): Household | NotFound {
      const keys = (Object.keys(PATCH_COLUMNS) as (keyof HouseholdPatch)[]).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return get(id) ?? notFound(id);
      const sets = keys.map((k) => `${PATCH_COLUMNS[k]} = @${k}`).join(', ');
      const params = Object.fromEntries([['id', id], ...keys.map((k) => [k, patch[k]])]);
      return mutate(id, () => db.prepare(`UPDATE households SET ${sets} WHERE id = @id`).run(params).changes);
    },

    /** Replaces any earlier consent, including a withdrawn one. */
    giveConsent(id: string, c: { consentedBy: string; consentedAt: number; scope: string[] }): Household | NotFound {
      const scope = JSON.stringify(c.scope);
      return mutate(id, () => {
        const { changes } = db
          .prepare(
            `UPDATE households SET consented_by = ?, consented_at = ?, consent_scope = ?, consent_withdrawn_at = NULL
             WHERE id = ?`,
          )
          .run(c.consentedBy, c.consentedAt, scope, id);
        if (changes) logConsent.run(id, c.consentedAt, 'given', c.consentedBy, scope);
        return changes;
      });
    },

    /** Withdrawing twice keeps the first withdrawal time: that is when processing had to stop. */
    withdrawConsent(id: string, at: number): Household | NotFound | Failure<'no-consent'> {
      const h = get(id);
      if (!h) return notFound(id);
      if (!h.consent) return fail('no-consent', `household "${id}" has no consent to withdraw`);
      if (h.consent.withdrawnAt !== undefined) return h;
      return mutate(id, () => {
        logConsent.run(id, at, 'withdrawn', null, null);
        return db.prepare('UPDATE households SET consent_withdrawn_at = ? WHERE id = ?').run(at, id).changes;
      });
    },

    consentHistory(id: string): ConsentLogEntry[] {
      const rows = db
        .prepare<[string], { at: number; kind: 'given' | 'withdrawn'; by: string | null; scope: string | null }>(
          'SELECT at, kind, by, scope FROM consent_log WHERE household_id = ? ORDER BY id',
        )
        .all(id);
      return rows.map((r) => ({
        at: r.at,
        kind: r.kind,
        ...(r.by !== null && { by: r.by }),
        ...(r.scope !== null && { scope: JSON.parse(r.scope) as string[] }),
      }));
    },

    /** Away over [from, until): no-usage alerts are suppressed meanwhile. */
    setAway(id: string, from: number, until: number): Household | NotFound | Failure<'invalid-range'> {
      if (!(from < until)) return fail('invalid-range', `expected "from" before "until", got ${from} >= ${until}`);
      return mutate(id, () => db.prepare('UPDATE households SET away_from = ?, away_until = ? WHERE id = ?').run(from, until, id).changes);
    },

    /**
     * "Back home" at `now`: an away period under way ends now, and is kept, because the detector
     * counts the silence at home from the return (a cleared period would make it count from the
     * last use before the trip, long past any deadline: a no-usage alert at the next reading).
     * A period not yet begun is cancelled; one already over is left as it was.
     */
    endAway(id: string, now: number): Household | NotFound {
      return mutate(id, () =>
        db
          .prepare(
            `UPDATE households SET
               away_until = CASE WHEN away_from > @now THEN NULL WHEN @now < away_until THEN @now ELSE away_until END,
               away_from = CASE WHEN away_from > @now THEN NULL ELSE away_from END
             WHERE id = @id`,
          )
          .run({ id, now }).changes,
      );
    },
  };
}

export type HouseholdsRepo = ReturnType<typeof householdsRepo>;
