// In-memory sinks for ingest: records what reached the core, the dead-letter
// sink and each counter, so tests assert on values, not on log lines.
import type { MeterStatus, Reading } from '../../src/domain/reading.ts';
import type { DeadLetter, IngestSinks, RejectReason } from '../../src/ingest/index.ts';

export class FakeSinks implements IngestSinks {
  readonly readings: Reading[][] = [];
  readonly statuses: MeterStatus[] = [];
  readonly dead: DeadLetter[] = [];
  readonly consented = new Set<string>(['m-001', 'm-002']);
  readonly counts = { accepted: 0, duplicate: 0, rejected: {} as Partial<Record<RejectReason, number>> };
  #waiters: Array<() => void> = [];

  readonly deadLetters = {
    add: (x: DeadLetter) => {
      this.dead.push(x);
      this.#changed();
    },
  };
  readonly counters = {
    accepted: (n: number) => this.#count(() => (this.counts.accepted += n)),
    duplicate: (n: number) => this.#count(() => (this.counts.duplicate += n)),
    rejected: (reason: RejectReason, n: number) =>
      this.#count(() => (this.counts.rejected[reason] = (this.counts.rejected[reason] ?? 0) + n)),
  };

  #count(bump: () => void): void {
    bump();
    this.#changed();
  }

  isProcessingAllowed = (meterId: string): boolean => this.consented.has(meterId);

  onReadings = (readings: Reading[]): void => {
    this.readings.push(readings);
    this.#changed();
  };

  onStatus = (s: MeterStatus): void => {
    this.statuses.push(s);
    this.#changed();
  };

  /** Resolves once `done()` holds, re-checked whenever a sink receives something. */
  async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((r) => this.#waiters.push(r));
  }

  #changed(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
