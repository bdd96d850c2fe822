// Per-meter publish budget: two token buckets (messages and payload bytes). A meter over
// budget is slowed — its publish waits, and aedes reads nothing more from that socket
// until it is let through (lib/client.js: the next read waits for the batch's callbacks),
// so only that meter waits; far over budget it is disconnected. Time comes from an
// injected monotonic clock so tests can drive it.

export interface PublishBudget {
  ratePerSecond: number;
  burst: number;
  bytesPerSecond: number;
  burstBytes: number;
  maxDelayMs: number;
}

interface Bucket {
  messages: number;
  bytes: number;
  at: number;
}

export type RateVerdict = { action: 'pass' } | { action: 'delay'; ms: number } | { action: 'disconnect'; ms: number };

export class PublishLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    readonly budget: PublishBudget,
    readonly now: () => number,
  ) {}

  /** Takes one message of `bytes` from `meterId`'s budget and says what to do with it. */
  take(meterId: string, bytes: number): RateVerdict {
    const b = this.budget;
    const t = this.now();
    let bucket = this.#buckets.get(meterId);
    if (!bucket) this.#buckets.set(meterId, (bucket = { messages: b.burst, bytes: b.burstBytes, at: t }));
    const dt = Math.max(0, t - bucket.at) / 1000;
    bucket.at = t;
    bucket.messages = Math.min(b.burst, bucket.messages + dt * b.ratePerSecond);
    bucket.bytes = Math.min(b.burstBytes, bucket.bytes + dt * b.bytesPerSecond);
    // Debt is allowed: the wait is how long the refill takes to pay it back.
    const waitMessages = bucket.messages >= 1 ? 0 : ((1 - bucket.messages) / b.ratePerSecond) * 1000;
    const waitBytes = bucket.bytes >= bytes ? 0 : ((bytes - bucket.bytes) / b.bytesPerSecond) * 1000;
    const ms = Math.ceil(Math.max(waitMessages, waitBytes));
    if (ms > b.maxDelayMs) return { action: 'disconnect', ms }; // nothing taken: it is not let through
    bucket.messages -= 1;
    bucket.bytes -= bytes;
    return ms === 0 ? { action: 'pass' } : { action: 'delay', ms };
  }

  /** Meters with a bucket (bounded by the number of meters that ever authenticated). */
  get size(): number {
    return this.#buckets.size;
  }
}
