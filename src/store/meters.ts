// Meters and their credentials. The token is returned once, by provision or rotateToken;
// only a salted verifier is stored (meter-token.ts: why HMAC-SHA256 and not scrypt).
import type { Database } from 'better-sqlite3';
import type { Meter } from '../domain/household.ts';
import { fail, type Failure } from './failure.ts';
import { burnVerifyTime, burnVerifyTimeAsync, generateToken, hashToken, isLegacyHash, tokenMatches, tokenMatchesAsync } from './meter-token.ts';
import { VerifiedTokens } from './verified-tokens.ts';

interface MeterRow {
  id: string;
  household_id: string;
  status: Meter['status'];
  token_hash: string;
  created_at: number;
}

export type VerifyResult = 'ok' | 'unknown' | 'revoked' | 'bad-password';

const toMeter = (r: MeterRow): Meter => ({ id: r.id, householdId: r.household_id, status: r.status, createdAt: r.created_at });

/** Why a meter's credentials or status changed; sessions opened before must not outlive it. */
export type MeterChange = 'provisioned' | 'rotated' | 'revoked';
export type MeterChangeListener = (meterId: string, change: MeterChange) => void;

export interface MetersRepoOptions {
  cacheEntries?: number;
  /** Runs a write later (the store's group commit); default: at once. Used for verifier upgrades. */
  defer?: (write: () => void) => void;
}

export function metersRepo(db: Database, opts: MetersRepoOptions = {}) {
  const verified = new VerifiedTokens(opts.cacheEntries ?? 100_000);
  const defer = opts.defer ?? ((write: () => void) => write());
  const listeners: MeterChangeListener[] = [];
  // Fired after the write, by the write methods themselves, so every path (API, CLI, a
  // consent withdrawal that revokes) invalidates the cache and closes old sessions.
  const changed = (meterId: string, change: MeterChange) => {
    verified.forget(meterId);
    for (const l of listeners) l(meterId, change);
  };
  const byId = db.prepare<[string], MeterRow>('SELECT * FROM meters WHERE id = ?');
  const householdExists = db.prepare<[string], { id: string }>('SELECT id FROM households WHERE id = ?');
  const insert = db.prepare('INSERT INTO meters (id, household_id, status, token_hash, created_at) VALUES (?, ?, ?, ?, ?)');
  const setHash = db.prepare("UPDATE meters SET token_hash = ?, status = 'active' WHERE id = ?");
  const setRevoked = db.prepare("UPDATE meters SET status = 'revoked' WHERE id = ?");
  // Compare-and-set: a rotation that lands before the upgrade is written wins.
  const upgradeHash = db.prepare('UPDATE meters SET token_hash = ? WHERE id = ? AND token_hash = ?');
  let upgraded = 0;
  /** A legacy scrypt hash whose token just proved good: store the fast verifier instead (meter-token.ts). */
  const upgrade = (meterId: string, token: string, oldHash: string) =>
    defer(() => {
      const fast = hashToken(token);
      const n = upgradeHash.run(fast, meterId, oldHash).changes;
      upgraded += n;
      // The token is known good against its new verifier too: verifyCached (a CONNECT during a
      // lockout) must still let the real meter in after the upgrade.
      if (n) verified.mark(meterId, fast);
    });
  // PIPL: a household that has not consented, or has withdrawn, is not processed at all.
  // One condition for both the single answer and the whole fleet's (store/processing-view.ts).
  const ALLOWED = `FROM meters m JOIN households h ON h.id = m.household_id
     WHERE m.status = 'active' AND h.consented_at IS NOT NULL AND h.consent_withdrawn_at IS NULL`;
  const allowed = db.prepare<[string], { ok: number }>(`SELECT 1 AS ok ${ALLOWED} AND m.id = ?`);
  const allAllowed = db.prepare<[], { id: string }>(`SELECT m.id AS id ${ALLOWED}`);
  const get = (id: string): Meter | undefined => {
    const row = byId.get(id);
    return row && toMeter(row);
  };

  return {
    get,

    provision(
      meterId: string,
      householdId: string,
      now: number,
    ): { meter: Meter; token: string } | Failure<'household-not-found' | 'meter-exists'> {
      if (!householdExists.get(householdId)) return fail('household-not-found', `no household with id "${householdId}"`);
      if (byId.get(meterId)) return fail('meter-exists', `meter "${meterId}" is already provisioned; rotate its token instead`);
      const token = generateToken();
      insert.run(meterId, householdId, 'active', hashToken(token), now);
      changed(meterId, 'provisioned');
      return { meter: get(meterId)!, token };
    },

    /**
     * Issues a new token; the old one stops working at once. Rotating a revoked meter
     * reinstates it: handing out a fresh credential is the operator's deliberate act.
     */
    rotateToken(meterId: string): { meter: Meter; token: string } | Failure<'meter-not-found'> {
      if (!byId.get(meterId)) return fail('meter-not-found', `no meter with id "${meterId}"`);
      const token = generateToken();
      setHash.run(hashToken(token), meterId);
      changed(meterId, 'rotated');
      return { meter: get(meterId)!, token };
    },

    verify(meterId: string, password: string): VerifyResult {
      const row = byId.get(meterId);
      if (!row) {
        burnVerifyTime(password);
        return 'unknown';
      }
      const matches = tokenMatches(password, row.token_hash);
      // Only the holder of the right token learns that a meter is revoked (no id probing).
      if (row.status === 'revoked') return matches ? 'revoked' : 'bad-password';
      return matches ? 'ok' : 'bad-password';
    },

    /**
     * The CONNECT path. A fast verifier (meter-token.ts) is checked at once, on the loop, in
     * microseconds; a legacy scrypt hash is checked off the loop, and once its token proves
     * good the row is upgraded to the fast form. A token verified before against the same
     * stored verifier is also remembered (verified-tokens.ts), which is what lets a genuine
     * meter in during a lockout without any verification at all.
     */
    async verifyAsync(meterId: string, password: string): Promise<VerifyResult> {
      const row = byId.get(meterId);
      if (!row) {
        await burnVerifyTimeAsync(password);
        return 'unknown';
      }
      const judge = (matches: boolean, status: Meter['status']): VerifyResult =>
        // Only the holder of the right token learns that a meter is revoked (no id probing).
        status === 'revoked' ? (matches ? 'revoked' : 'bad-password') : matches ? 'ok' : 'bad-password';
      if (!isLegacyHash(row.token_hash)) {
        // One HMAC, synchronous: nothing can rotate the token between the read and the verdict.
        const matches = tokenMatches(password, row.token_hash);
        if (matches) verified.mark(meterId, row.token_hash);
        return judge(matches, row.status);
      }
      if (verified.has(meterId, password, row.token_hash)) return judge(true, row.status);
      const matches = await tokenMatchesAsync(password, row.token_hash);
      // The token may have been rotated (or the meter revoked) while scrypt ran: judge by
      // the row as it is now, never cache a token checked against a hash that is gone.
      const now = byId.get(meterId);
      if (!now || now.token_hash !== row.token_hash) return 'bad-password';
      if (matches) {
        verified.remember(meterId, password, row.token_hash);
        upgrade(meterId, password, row.token_hash);
      }
      return judge(matches, now.status);
    },

    /** No slow hashing: 'ok'/'revoked' for a token verified before against the current verifier, else undefined. */
    verifyCached(meterId: string, password: string): VerifyResult | undefined {
      const row = byId.get(meterId);
      if (!row) return undefined;
      const known = isLegacyHash(row.token_hash)
        ? verified.has(meterId, password, row.token_hash)
        : verified.marked(meterId, row.token_hash) && tokenMatches(password, row.token_hash);
      if (!known) return undefined;
      return row.status === 'revoked' ? 'revoked' : 'ok';
    },

    /** Legacy scrypt verifiers replaced by the fast form since the store opened. */
    upgradedVerifiers(): number {
      return upgraded;
    },

    /** Hears provision, rotation and revocation (after the write). */
    onChange(l: MeterChangeListener): void {
      listeners.push(l);
    },

    /** Idempotent: revoking a revoked meter is not an error. */
    revoke(meterId: string): Meter | Failure<'meter-not-found'> {
      if (setRevoked.run(meterId).changes === 0) return fail('meter-not-found', `no meter with id "${meterId}"`);
      changed(meterId, 'revoked');
      return get(meterId)!;
    },

    list(q: { householdId?: string } = {}): Meter[] {
      const rows =
        q.householdId === undefined
          ? db.prepare<[], MeterRow>('SELECT * FROM meters ORDER BY id').all()
          : db.prepare<[string], MeterRow>('SELECT * FROM meters WHERE household_id = ? ORDER BY id').all(q.householdId);
      return rows.map(toMeter);
    },

    householdOf(meterId: string): string | undefined {
      return byId.get(meterId)?.household_id;
    },

    isProcessingAllowed(meterId: string): boolean {
      return allowed.get(meterId) !== undefined;
    },

    /** Ids of every meter whose data may be processed (the in-memory view's one query). */
    processingAllowedIds(): string[] {
      return allAllowed.all().map((r) => r.id);
    },
  };
}

export type MetersRepo = ReturnType<typeof metersRepo>;
