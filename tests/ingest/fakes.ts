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

  readonly deadLetters = { add: (x: DeadLetter) => void this.dead.push(x) };
  readonly counters = {
    accepted: (n: number) => void (this.counts.accepted += n),
    duplicate: (n: number) => void (this.counts.duplicate += n),
    rejected: (reason: RejectReason, n: number) => void (this.counts.rejected[reason] = (this.counts.rejected[reason] ?? 0) + n),
  };

  isProcessingAllowed = (meterId: string): boolean => this.consented.has(meterId);

  onReadings = (readings: Reading[]): void => {
    this.readings.push(readings);
    for (const w of this.#waiters.splice(0)) w();
  };

  onStatus = (s: MeterStatus): void => void this.statuses.push(s);

  /** Resolves once `n` onReadings calls have happened. */
  async readingCalls(n: number): Promise<Reading[][]> {
    while (this.readings.length < n) await new Promise<void>((r) => this.#waiters.push(r));
    return this.readings;
  }
}
