// Edge dedupe. QoS 1 redelivery [MQTT-4.3.2] and meters that resend a batch
// they never saw acknowledged both repeat readings verbatim; dropping them here
// keeps the core's input clean. Identity of a reading = (ts, totalLiters).
//
// Memory is bounded twice: `perMeter` pairs per meter in a Float64Array ring
// (16 bytes a pair, 4 KiB at 256), and `maxMeters` meters, least recently
// heard evicted first. A resent batch longer than `perMeter` is only partly
// caught; the rest reaches the core as late readings, which it must tolerate
// anyway (a reading we forgot is indistinguishable from a late one).
import type { Reading } from '../domain/reading.ts';

export interface DedupeOptions {
  perMeter: number;
  maxMeters: number;
}

export const DEFAULT_DEDUPE: DedupeOptions = { perMeter: 256, maxMeters: 20_000 };

class MeterMemory {
  /** Highest ts remembered: anything newer cannot be a repeat, skipping the scan. */
  hwm = -Infinity;
  readonly #pairs: Float64Array;
  #next = 0;
  #size = 0;
  /** Neighbours in the recency list (RecentReadings): the meter heard just after and just before this one. */
  newer: MeterMemory | null = null;
  older: MeterMemory | null = null;

  constructor(
    readonly meterId: string,
    readonly capacity: number,
  ) {
    this.#pairs = new Float64Array(capacity * 2);
  }

  has(ts: number, liters: number): boolean {
    if (ts > this.hwm) return false;
    for (let i = 0; i < this.#size; i++) {
      if (this.#pairs[2 * i] === ts && this.#pairs[2 * i + 1] === liters) return true;
    }
    return false;
  }

  add(ts: number, liters: number): void {
    this.#pairs[2 * this.#next] = ts;
    this.#pairs[2 * this.#next + 1] = liters;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
    if (ts > this.hwm) this.hwm = ts;
  }
}

export class RecentReadings {
  readonly #meters = new Map<string, MeterMemory>();
  /** Least recently heard first, through MeterMemory.newer: marking a meter heard moves it to
   *  the end without touching the Map (a delete and a set per reading cost more than the
   *  dedupe itself, and left the Map rehashing). */
  #oldest: MeterMemory | null = null;
  #newest: MeterMemory | null = null;
  readonly #opts: DedupeOptions;

  constructor(opts: Partial<DedupeOptions> = {}) {
    this.#opts = { ...DEFAULT_DEDUPE, ...opts };
    for (const [k, v] of Object.entries(this.#opts)) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`dedupe ${k}: expected a positive integer, got ${v}`);
    }
  }

  /** Readings not seen recently, in input order; repeats inside `readings` count as duplicates too. */
  unseen(readings: readonly Reading[]): { fresh: Reading[]; duplicates: number } {
    const steps = this.unseenSteps(readings);
    for (;;) {
      const s = steps.next();
      if (s.done) return s.value;
    }
  }

  /**
   * `unseen` in steps (issue 11.3): yields after every `slice` readings so the adapter can
   * give the event loop back (a re-sent 5,000-reading batch scans the ring 5,000 times).
   * Nothing is remembered here, so the steps of one call may be spread over turns; the
   * caller keeps one meter's messages in order.
   */
  *unseenSteps(readings: readonly Reading[], slice = 500): Generator<number, { fresh: Reading[]; duplicates: number }, void> {
    // One reading (most messages): nothing in this call to compare it with.
    if (readings.length === 1) {
      const r = readings[0]!;
      return this.#meters.get(r.meterId)?.has(r.ts, r.totalLiters) ? { fresh: [], duplicates: 1 } : { fresh: readings as Reading[], duplicates: 0 };
    }
    const fresh: Reading[] = [];
    // meter → ts → register values seen in this call (numbers as keys: no string per reading)
    const inThisCall = new Map<string, Map<number, number[]>>();
    for (let i = 0; i < readings.length; i++) {
      if (i > 0 && i % slice === 0) yield i;
      const r = readings[i]!;
      let byTs = inThisCall.get(r.meterId);
      if (!byTs) inThisCall.set(r.meterId, (byTs = new Map()));
      const values = byTs.get(r.ts);
      if (values?.includes(r.totalLiters) || this.#meters.get(r.meterId)?.has(r.ts, r.totalLiters)) continue;
      if (values) values.push(r.totalLiters);
      else byTs.set(r.ts, [r.totalLiters]);
      fresh.push(r);
    }
    return { fresh, duplicates: readings.length - fresh.length };
  }

  /** Call once the readings were handed on, so a failed hand-off can be retried. */
  remember(readings: readonly Reading[]): void {
    for (const r of readings) this.#memoryOf(r.meterId).add(r.ts, r.totalLiters);
  }

  #memoryOf(meterId: string): MeterMemory {
    let m = this.#meters.get(meterId);
    if (m) {
      if (m !== this.#newest) {
        this.#unlink(m);
        this.#append(m);
      }
      return m;
    }
    if (this.#meters.size >= this.#opts.maxMeters && this.#oldest) {
      const oldest = this.#oldest;
      this.#unlink(oldest);
      this.#meters.delete(oldest.meterId);
    }
    m = new MeterMemory(meterId, this.#opts.perMeter);
    this.#meters.set(meterId, m);
    this.#append(m);
    return m;
  }

  #unlink(m: MeterMemory): void {
    if (m.older) m.older.newer = m.newer;
    else this.#oldest = m.newer;
    if (m.newer) m.newer.older = m.older;
    else this.#newest = m.older;
    m.newer = m.older = null;
  }

  /** As the most recently heard. */
  #append(m: MeterMemory): void {
    m.older = this.#newest;
    if (this.#newest) this.#newest.newer = m;
    else this.#oldest = m;
    this.#newest = m;
  }
}
