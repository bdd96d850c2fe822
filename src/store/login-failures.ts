// Failed sign-ins, kept in SQLite so a restart does not lift a lockout (the limiter's policy
// is src/http/auth/login-limiter.ts). Bounded three ways: a key keeps only its last `keep`
// failures (all the limiter ever reads), rows older than the window are pruned as failures
// arrive, and the table holds at most MAX_ROWS (a spray of random usernames: oldest first).
import type { Database } from 'better-sqlite3';

export const MAX_LOGIN_FAILURE_ROWS = 20_000;

export function loginFailuresRepo(db: Database, maxRows = MAX_LOGIN_FAILURE_ROWS) {
  const recent = db.prepare<[string, number, number], { at: number }>('SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?');
  const insert = db.prepare('INSERT INTO login_failures (key, at) VALUES (?, ?)');
  const trimKey = db.prepare(
    'DELETE FROM login_failures WHERE key = @key AND rowid NOT IN (SELECT rowid FROM login_failures WHERE key = @key ORDER BY at DESC, rowid DESC LIMIT @keep)',
  );
  const pruneOld = db.prepare('DELETE FROM login_failures WHERE at <= ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM login_failures');
  const dropOldest = db.prepare('DELETE FROM login_failures WHERE rowid IN (SELECT rowid FROM login_failures ORDER BY at, rowid LIMIT ?)');
  const clear = db.prepare('DELETE FROM login_failures WHERE key = ?');

  return {
    /** Failure times of `key` after `since`, newest first, at most `limit`. */
    recent(key: string, since: number, limit: number): number[] {
      return recent.all(key, since, limit).map((r) => r.at);
    },
    /** One failure; keeps the key's newest `keep`, drops what is older than `expiredBefore`, caps the table. */
    add: db.transaction((key: string, at: number, keep: number, expiredBefore: number) => {
      insert.run(key, at);
      trimKey.run({ key, keep });
      pruneOld.run(expiredBefore);
      const over = count.get()!.n - maxRows;
      if (over > 0) dropOldest.run(over);
    }),
    clear(key: string): void {
      clear.run(key);
    },
    count(): number {
      return count.get()!.n;
    },
  };
}

export type LoginFailuresRepo = ReturnType<typeof loginFailuresRepo>;
