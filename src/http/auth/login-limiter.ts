// Failed sign-ins per username and per source address, in a sliding window. Only failures
// count (a grid worker reloading the page is not throttled); over the limit, the attempt is
// refused with 429 before any password is hashed, so guessing costs the box nothing.
// Hand-written rather than @fastify/rate-limit: that plugin counts every request, keys one
// value per route and reads the wall clock; this needs two keys, failures only and the
// injected clock (tests move time instead of sleeping).
export interface LoginLimits {
  maxFailuresPerUsername: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
}

/** Bounds memory under a spray of random usernames: the oldest keys go first. */
const MAX_KEYS = 10_000;

export function createLoginLimiter(limits: LoginLimits, clock: () => number) {
  const windowMs = limits.windowMinutes * 60_000;
  const failures = new Map<string, number[]>();
  const keys = (username: string, ip: string) =>
    [
      [`u:${username.toLowerCase()}`, limits.maxFailuresPerUsername],
      [`a:${ip}`, limits.maxFailuresPerAddress],
    ] as const;
  const recent = (key: string, now: number) => {
    const list = (failures.get(key) ?? []).filter((t) => t > now - windowMs);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };

  return {
    /** undefined = may try; otherwise seconds until one more attempt is allowed. */
    blocked(username: string, ip: string): number | undefined {
      const now = clock();
      let wait = 0;
      for (const [key, max] of keys(username, ip)) {
        const list = recent(key, now);
        if (list.length >= max) wait = Math.max(wait, list[list.length - max]! + windowMs - now);
      }
      return wait > 0 ? Math.ceil(wait / 1000) : undefined;
    },
    failed(username: string, ip: string): void {
      const now = clock();
      for (const [key, max] of keys(username, ip)) {
        const list = recent(key, now);
        list.push(now);
        failures.delete(key); // re-insert: Map order = least recently failed first
        failures.set(key, list.slice(-max));
      }
      while (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value!);
    },
    /** A right password clears that username's failures (not the address's). */
    succeeded(username: string): void {
      failures.delete(`u:${username.toLowerCase()}`);
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
