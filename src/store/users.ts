// People who sign in to the dashboard and the API: grid workers, community administrators,
// operators. Only a scrypt hash of the password is kept (src/store/password.ts).
import type { Database } from 'better-sqlite3';
import { fail, type Failure } from './failure.ts';
import { burnPasswordTime, hashPassword, passwordMatches } from './password.ts';

export const ROLES = ['grid-worker', 'admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  username: string;
  displayName: string;
  role: Role;
  /** The grids a grid worker looks after; empty for the other roles. */
  gridIds: string[];
  createdAt: number;
  passwordChangedAt: number;
  disabledAt?: number;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  gridIds?: string[];
  displayName?: string;
}

interface Row {
  username: string;
  display_name: string;
  role: Role;
  grid_ids: string;
  password_hash: string;
  created_at: number;
  password_changed_at: number;
  disabled_at: number | null;
}

export const USERNAME = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MIN_PASSWORD = 10;

const toUser = (r: Row): User => ({
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  gridIds: JSON.parse(r.grid_ids) as string[],
  createdAt: r.created_at,
  passwordChangedAt: r.password_changed_at,
  ...(r.disabled_at !== null && { disabledAt: r.disabled_at }),
});

type NotFound = Failure<'user-not-found'>;
const notFound = (u: string): NotFound => fail('user-not-found', `no user "${u}"`);

function checkNew(u: NewUser): Failure<'invalid-body'> | undefined {
  if (!USERNAME.test(u.username)) return fail('invalid-body', 'expected a username of 1-64 letters, digits, _ . @ or -');
  if (!(ROLES as readonly string[]).includes(u.role)) return fail('invalid-body', `expected a role: one of ${ROLES.join(', ')}`);
  if (u.password.length < MIN_PASSWORD) return fail('invalid-body', `expected a password of at least ${MIN_PASSWORD} characters`);
  if (u.role === 'grid-worker' && !(u.gridIds?.length)) return fail('invalid-body', 'expected at least one grid id for a grid worker');
  return undefined;
}

export function usersRepo(db: Database, clock: () => number = Date.now) {
  const byName = db.prepare<[string], Row>('SELECT * FROM users WHERE username = ?');
  const insert = db.prepare(
    `INSERT INTO users (username, display_name, role, grid_ids, password_hash, created_at, password_changed_at)
     VALUES (@username, @displayName, @role, @gridIds, @hash, @now, @now)`,
  );
  const dropSessions = db.prepare('DELETE FROM sessions WHERE username = ?');
  const get = (username: string): User | undefined => {
    const r = byName.get(username);
    return r && toUser(r);
  };

  return {
    get,

    async create(u: NewUser, now = clock()): Promise<User | Failure<'user-exists' | 'invalid-body'>> {
      const bad = checkNew(u);
      if (bad) return bad;
      if (byName.get(u.username)) return fail('user-exists', `a user "${u.username}" already exists`);
      const hash = await hashPassword(u.password);
      const gridIds = u.role === 'grid-worker' ? [...new Set(u.gridIds)] : [];
      // Re-checked after the await: another create may have won meanwhile.
      if (byName.get(u.username)) return fail('user-exists', `a user "${u.username}" already exists`);
      insert.run({ username: u.username, displayName: u.displayName ?? u.username, role: u.role, gridIds: JSON.stringify(gridIds), hash, now });
      return get(u.username)!;
    },

    list(): User[] {
      return db.prepare<[], Row>('SELECT * FROM users ORDER BY username').all().map(toUser);
    },

    /** Every account, enabled or not: 0 means accounts were never set up (see authenticate.ts). */
    count(): number {
      return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()!.n;
    },

    /** Users able to sign in; 0 means no authentication is configured through accounts. */
    countActive(): number {
      return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users WHERE disabled_at IS NULL').get()!.n;
    },

    /** The user when the password is right and the account enabled; the same time either way. */
    async verify(username: string, password: string): Promise<User | undefined> {
      const r = byName.get(username);
      if (!r) {
        await burnPasswordTime(password);
        return undefined;
      }
      const ok = await passwordMatches(password, r.password_hash);
      return ok && r.disabled_at === null ? toUser(r) : undefined;
    },

    /** Sets a new password and signs the user out everywhere. */
    async setPassword(username: string, password: string, now = clock()): Promise<User | NotFound | Failure<'invalid-body'>> {
      if (!byName.get(username)) return notFound(username);
      if (password.length < MIN_PASSWORD) return fail('invalid-body', `expected a password of at least ${MIN_PASSWORD} characters`);
      const hash = await hashPassword(password);
      db.transaction(() => {
        db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ?').run(hash, now, username);
        dropSessions.run(username);
      })();
      return get(username)!;
    },

    /** Disabled users cannot sign in and their sessions end at once; the row stays for the access log. */
    /** Disabling or demoting this user would leave no enabled administrator (the API and the
     *  admin CLI refuse both: nobody could then manage users without the database). */
    isLastEnabledAdmin(username: string): boolean {
      const admins = db
        .prepare<[], Row>("SELECT * FROM users WHERE role = 'admin' AND disabled_at IS NULL")
        .all()
        .map(toUser);
      return admins.length === 1 && admins[0]!.username === username;
    },

    disable(username: string, now = clock()): User | NotFound {
      const changed = db.transaction(() => {
        const n = db.prepare('UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE username = ?').run(now, username).changes;
        dropSessions.run(username);
        return n;
      })();
      return changed ? get(username)! : notFound(username);
    },

    /** Role and grids take effect on the user's next request (the principal is rebuilt from this row each time). */
    update(username: string, patch: { displayName?: string; role?: Role; gridIds?: string[] }): User | NotFound | Failure<'invalid-body'> {
      const cur = get(username);
      if (!cur) return notFound(username);
      const role = patch.role ?? cur.role;
      const gridIds = role === 'grid-worker' ? [...new Set(patch.gridIds ?? cur.gridIds)] : [];
      if (role === 'grid-worker' && gridIds.length === 0) return fail('invalid-body', 'expected at least one grid id for a grid worker');
      db.prepare('UPDATE users SET display_name = ?, role = ?, grid_ids = ? WHERE username = ?').run(patch.displayName ?? cur.displayName, role, JSON.stringify(gridIds), username);
      return get(username)!;
    },

    enable(username: string): User | NotFound {
      const n = db.prepare('UPDATE users SET disabled_at = NULL WHERE username = ?').run(username).changes;
      return n ? get(username)! : notFound(username);
    },
  };
}

export type UsersRepo = ReturnType<typeof usersRepo>;
