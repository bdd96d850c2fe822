// The simulated meters: ids, and readings that follow the README wire contract
// (`meters/{id}/reading`, `{"ts","totalLiters","seq","flowLpm","battery"}`) and are all
// accepted: `ts` strictly increases per meter (nothing is a duplicate or out of order) and
// the register turns at a plausible rate (0–8 L/min, well under the 100 L/min fault limit).

export function meterId(i: number): string {
  return `load-${String(i).padStart(6, '0')}`;
}

export class SimMeter {
  readonly topic: string;
  #lastTs = 0;
  #seq = 0;
  #total: number;
  #flow = 0;
  readonly #battery: number;

  constructor(
    readonly id: string,
    seed: number,
  ) {
    this.topic = `meters/${id}/reading`;
    this.#total = 1000 + ((seed * 7919) % 50_000);
    this.#battery = 60 + (seed % 40);
  }

  /**
   * A meter sends at most one reading per millisecond (`ts` has ms resolution and must advance):
   * at small N this caps what the generator can offer at N × 1,000/s.
   */
  canSend(now: number): boolean {
    return now > this.#lastTs;
  }

  /**
   * The next reading, stamped now (or 1 ms after the previous one, so `ts` always advances):
   * about 100 bytes, e.g. {"ts":"2026-12-01T22:29:41.123Z","totalLiters":12345.678,"seq":12,"flowLpm":4.21,"battery":87}.
   * The ISO `ts` is always 24 characters at offset 7: the empty-handler baseline reads it there.
   */
  next(now: number): Buffer {
    const ts = Math.max(now, this.#lastTs + 1);
    if (this.#lastTs > 0) this.#total += (this.#flow * (ts - this.#lastTs)) / 60_000;
    this.#lastTs = ts;
    // Most of the time the tap is shut; sometimes someone is using water.
    if (++this.#seq % 16 === 0) this.#flow = Math.random() < 0.7 ? 0 : 1 + Math.random() * 7;
    return Buffer.from(
      `{"ts":"${new Date(ts).toISOString()}","totalLiters":${this.#total.toFixed(3)},"seq":${this.#seq},"flowLpm":${this.#flow.toFixed(2)},"battery":${this.#battery}}`,
      'latin1',
    );
  }
}
