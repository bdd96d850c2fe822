// Failed CONNECTs back off, per claimed meter id and per source address (issue 11.2):
// the first few are answered at once, then the refusal CONNACK is delayed (doubling),
// then for a while attempts are refused without hashing anything. A correct token that
// is already in the verified cache still gets in during a lockout (auth.ts), so an
// attacker who knows a meter's id cannot lock the real meter out by failing on purpose.
import type { AuthLimits } from './limits.ts';

interface Failures {
  count: number;
  last: number;
}

export type BackoffVerdict = { locked: false } | { locked: true; retryInMs: number };

export class AuthBackoff {
  readonly #byMeter = new Map<string, Failures>();
  readonly #byAddress = new Map<string, Failures>();

  constructor(
    readonly limits: AuthLimits,
    readonly now: () => number,
  ) {}

  #get(map: Map<string, Failures>, key: string): Failures | undefined {
    const f = map.get(key);
    if (f && this.now() - f.last > this.limits.windowMs) {
      map.delete(key);
      return undefined;
    }
    return f;
  }

  /** Is this (meter, address) locked out right now? */
  check(meterId: string, address: string): BackoffVerdict {
    const l = this.limits;
    const t = this.now();
    const m = this.#get(this.#byMeter, meterId);
    const a = this.#get(this.#byAddress, address);
    let until = 0;
    if (m && m.count >= l.lockoutAfterPerMeter) until = Math.max(until, m.last + l.lockoutMs);
    if (a && a.count >= l.lockoutAfterPerAddress) until = Math.max(until, a.last + l.lockoutMs);
    return until > t ? { locked: true, retryInMs: until - t } : { locked: false };
  }

  /** Records a failure; returns how long to hold the refusal CONNACK. */
  failed(meterId: string, address: string): number {
    const l = this.limits;
    const t = this.now();
    const bump = (map: Map<string, Failures>, key: string) => {
      const f = this.#get(map, key) ?? { count: 0, last: t };
      f.count++;
      f.last = t;
      map.set(key, f);
      this.#prune(map);
      return f.count;
    };
    const overMeter = bump(this.#byMeter, meterId) - l.freeFailuresPerMeter;
    const overAddress = bump(this.#byAddress, address) - l.freeFailuresPerAddress;
    const over = Math.max(overMeter, overAddress);
    if (over <= 0) return 0;
    return Math.min(l.maxDelayMs, l.baseDelayMs * 2 ** Math.min(over - 1, 30));
  }

  /** A success clears the meter's record (not the address's: one good meter behind a NAT proves nothing about the rest). */
  succeeded(meterId: string): void {
    this.#byMeter.delete(meterId);
  }

  // Bound memory against a scan of random ids: drop the stalest entries past a ceiling.
  #prune(map: Map<string, Failures>): void {
    if (map.size <= 100_000) return;
    const t = this.now();
    for (const [k, f] of map) if (t - f.last > this.limits.windowMs || map.size > 90_000) map.delete(k);
  }
}
