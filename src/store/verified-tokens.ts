// Tokens that passed a full scrypt check recently, so a reconnect storm of legitimate
// meters costs one HMAC each instead of a hash (issue 11.2, 12.5). What is kept is
// HMAC-SHA256(key, meterId ‖ token) under a key drawn at start-up that never leaves the
// process, plus the stored hash it was checked against: a rotation (new hash) or an
// explicit invalidation makes the entry worthless, and a heap dump yields no token.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

interface Entry {
  /** null: the stored verifier is itself fast (meter-token.ts), so only the fact of a success is kept. */
  mac: Buffer | null;
  tokenHash: string;
}

export class VerifiedTokens {
  readonly #key = randomBytes(32);
  readonly #entries = new Map<string, Entry>();

  constructor(readonly maxEntries: number) {}

  #mac(meterId: string, token: string): Buffer {
    return createHmac('sha256', this.#key).update(meterId).update('\u0000').update(token).digest();
  }

  /** True only if this exact token was verified against this exact stored hash. */
  has(meterId: string, token: string, tokenHash: string): boolean {
    const e = this.#entries.get(meterId);
    if (!e || e.tokenHash !== tokenHash || e.mac === null) return false;
    return timingSafeEqual(e.mac, this.#mac(meterId, token));
  }

  remember(meterId: string, token: string, tokenHash: string): void {
    this.#put(meterId, { mac: this.#mac(meterId, token), tokenHash });
  }

  /**
   * For a fast stored verifier: a token checked against it passed. Keeping a MAC would cost a
   * second HMAC for nothing (checking the stored verifier again costs the same); the mark is
   * what lets the meter in during a lockout, where the verifier is checked only if marked.
   */
  mark(meterId: string, tokenHash: string): void {
    this.#put(meterId, { mac: null, tokenHash });
  }

  /** Was a token found good against exactly this stored verifier (mark)? */
  marked(meterId: string, tokenHash: string): boolean {
    const e = this.#entries.get(meterId);
    return e !== undefined && e.mac === null && e.tokenHash === tokenHash;
  }

  #put(meterId: string, entry: Entry): void {
    if (this.maxEntries === 0) return;
    this.#entries.delete(meterId); // re-insert at the end: eviction drops the least recently verified
    this.#entries.set(meterId, entry);
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(meterId: string): void {
    this.#entries.delete(meterId);
  }

  get size(): number {
    return this.#entries.size;
  }
}
