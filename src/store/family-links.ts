// Family links: a signed, revocable token that opens one household's read-only family page.
// The token is `<id>.<HMAC-SHA256(secret, id)>` (base64url). The secret is random per
// database (migration 10), so a token cannot be forged from its id, and a database restored
// elsewhere keeps its links working. Only the id is stored; the token is shown once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface FamilyLink {
  id: string;
  householdId: string;
  label?: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
}

interface Row {
  id: string;
  household_id: string;
  label: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

const toLink = (r: Row): FamilyLink => ({
  id: r.id,
  householdId: r.household_id,
  ...(r.label !== null && { label: r.label }),
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  ...(r.revoked_at !== null && { revokedAt: r.revoked_at }),
});

export function familyLinksRepo(db: Database) {
  const secret = () => (db.prepare('SELECT secret FROM family_link_key WHERE id = 1').get() as { secret: string }).secret;
  const sign = (id: string) => createHmac('sha256', secret()).update(`family-link:${id}`).digest('base64url');
  const insert = db.prepare(
    'INSERT INTO family_links (id, household_id, label, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[string], Row>('SELECT * FROM family_links WHERE id = ?');
  const ofHousehold = db.prepare<[string], Row>('SELECT * FROM family_links WHERE household_id = ? ORDER BY created_at DESC, id');
  const revoke = db.prepare('UPDATE family_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');

  return {
    /** Returns the link and its token (the only time the token exists). */
    create(l: { householdId: string; label?: string; createdBy: string; now: number; ttlMs: number }): { link: FamilyLink; token: string } {
      const id = randomBytes(9).toString('base64url');
      insert.run(id, l.householdId, l.label ?? null, l.createdBy, l.now, l.now + l.ttlMs);
      return { link: toLink(byId.get(id)!), token: `${id}.${sign(id)}` };
    },

    /** The live link a token opens, or undefined (bad signature, unknown, revoked or expired). */
    verify(token: string, now: number): FamilyLink | undefined {
      const m = /^([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return undefined;
      const given = Buffer.from(m[2]!, 'base64url');
      const expected = Buffer.from(sign(m[1]!), 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const row = byId.get(m[1]!);
      if (!row || row.revoked_at !== null || now >= row.expires_at) return undefined;
      return toLink(row);
    },

    get(id: string): FamilyLink | undefined {
      const row = byId.get(id);
      return row && toLink(row);
    },

    list(householdId: string): FamilyLink[] {
      return ofHousehold.all(householdId).map(toLink);
    },

    /** False when there is no such live link. */
    revoke(id: string, now: number): boolean {
      return revoke.run(now, id).changes > 0;
    },
  };
}

export type FamilyLinksRepo = ReturnType<typeof familyLinksRepo>;
