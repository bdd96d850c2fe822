// Failed sign-ins per username and per source address, in a sliding window. Only failures
// count (a grid worker reloading the page is not throttled); over the limit, the attempt is
// refused with 429 before any password is hashed, so guessing costs the box nothing.
// Hand-written rather than @fastify/rate-limit: that plugin counts every request, keys one
// value per route and reads the wall clock; this needs two keys, failures only and the
// injected clock (tests move time instead of sleeping). The failures live in a FailureLog:
// SQLite in the service (src/store/login-failures.ts), so a restart does not lift a lockout.
import { createHmac, randomBytes } from 'node:crypto';

export interface LoginLimits {
  maxFailuresPerUsername: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
}

/** Where failures are kept: SQLite in the service (a restart keeps a lockout), memory otherwise. */
export interface FailureLog {
  recent(key: string, since: number, limit: number): number[];
  add(key: string, at: number, keep: number, expiredBefore: number): void;
  clear(key: string): void;
}

/** Bounds memory under a spray of random usernames: the oldest keys go first. */
const MAX_KEYS = 10_000;

export function memoryFailureLog(): FailureLog {
  const failures = new Map<string, number[]>();
  return {
    recent: (key, since, limit) => (failures.get(key) ?? []).filter((t) => t > since).reverse().slice(0, limit),
    add(key, at, keep, expiredBefore) {
      const list = [...(failures.get(key) ?? []).filter((t) => t > expiredBefore), at];
      failures.delete(key); // re-insert: Map order = least recently failed first
      failures.set(key, list.slice(-keep));
      while (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value!);
    },
    clear: (key) => void failures.delete(key),
  };
}

/**
 * `keySecret`: the HMAC key for usernames. A failure is kept under a keyed hash of the name, never
 * the name: a password typed into the username field must not be written to disk. The service
 * passes one kept in the database (a restart keeps a lockout); without one, a per-process key.
 */
export function createLoginLimiter(limits: LoginLimits, clock: () => number, log: FailureLog = memoryFailureLog(), keySecret: string = randomBytes(32).toString('hex')) {
  const windowMs = limits.windowMinutes * 60_000;
  const nameKey = (username: string) => `h:${createHmac('sha256', keySecret).update(username.toLowerCase()).digest('base64url').slice(0, 22)}`;
  const keys = (username: string, ip: string) =>
    [
      [nameKey(username), limits.maxFailuresPerUsername],
      [`a:${ip}`, limits.maxFailuresPerAddress],
    ] as const;

  return {
    /** undefined = may try; otherwise seconds until one more attempt is allowed. */
    blocked(username: string, ip: string): number | undefined {
      const now = clock();
      let wait = 0;
      for (const [key, max] of keys(username, ip)) {
        const newest = log.recent(key, now - windowMs, max);
        if (newest.length >= max) wait = Math.max(wait, newest[max - 1]! + windowMs - now);
      }
      return wait > 0 ? Math.ceil(wait / 1000) : undefined;
    },
    failed(username: string, ip: string): void {
      const now = clock();
      for (const [key, max] of keys(username, ip)) log.add(key, now, max, now - windowMs);
    },
    /** A right password clears that username's failures (not the address's), under the key they were kept by. */
    succeeded(username: string): void {
      log.clear(nameKey(username));
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
