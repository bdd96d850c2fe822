// Server-side sessions. The cookie carries 32 random bytes; the table keeps only their
// SHA-256, so neither a database copy nor a log line can be replayed as a login. A session
// ends at the idle limit, the absolute limit, logout, a password reset or a disabled account.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface Session {
  username: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

interface Row {
  id_hash: string;
  username: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

const hashId = (id: string) => createHash('sha256').update(id, 'utf8').digest('base64url');

/**
 * The CSRF token is derived from the session id (an HMAC keyed by it), so it needs no storage,
 * differs per session and cannot be computed from what the database holds.
 */
export const csrfTokenOf = (sessionId: string) => createHmac('sha256', sessionId).update('anxin-csrf-v1').digest('base64url');

/** Touching last_seen on every request would write on every read; once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

export function sessionsRepo(db: Database) {
  const insert = db.prepare(
    'INSERT INTO sessions (id_hash, username, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare<[string], Row>('SELECT * FROM sessions WHERE id_hash = ?');
  const remove = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  const touch = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?');

  return {
    /** Returns the cookie value; it is never stored. */
    create(username: string, now: number, limits: SessionLimits, from: { ip?: string; userAgent?: string } = {}): { id: string; session: Session } {
      const id = randomBytes(32).toString('base64url');
      insert.run(hashId(id), username, now, now, now + limits.absoluteMs, from.ip ?? null, from.userAgent?.slice(0, 300) ?? null);
      return { id, session: { username, createdAt: now, lastSeenAt: now, expiresAt: now + limits.absoluteMs } };
    },

    /** The live session for a cookie value, touched; an expired one is deleted and undefined. */
    resolve(id: string, now: number, limits: SessionLimits): Session | undefined {
      const h = hashId(id);
      const r = byHash.get(h);
      if (!r) return undefined;
      if (now >= r.expires_at || now - r.last_seen_at >= limits.idleMs) {
        remove.run(h);
        return undefined;
      }
      if (now - r.last_seen_at >= TOUCH_EVERY_MS) touch.run(now, h);
      return { username: r.username, createdAt: r.created_at, lastSeenAt: now, expiresAt: r.expires_at };
    },

    revoke(id: string): boolean {
      return remove.run(hashId(id)).changes > 0;
    },

    revokeAllOf(username: string): number {
      return db.prepare('DELETE FROM sessions WHERE username = ?').run(username).changes;
    },

    countOf(username: string): number {
      return db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM sessions WHERE username = ?').get(username)!.n;
    },

    /** Retention: sessions past either limit; returns how many were removed. */
    prune(now: number, limits: SessionLimits): number {
      return db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(now, now - limits.idleMs).changes;
    },
  };
}

export type SessionsRepo = ReturnType<typeof sessionsRepo>;
