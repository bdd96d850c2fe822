// The seams ingest needs from the rest of the app; the composition root
// satisfies them with the store, the core and Prometheus counters.
import type { MeterStatus, Reading } from '../domain/reading.ts';
import type { RejectCode } from './validate.ts';

export interface DeadLetter {
  topic: string;
  meterId?: string;
  payload: string;
  reason: string;
  receivedAt: number;
}

export interface DeadLetterSink {
  add(x: DeadLetter): void;
}

/** Why a message did not reach the core. 'no-consent' is dropped, never dead-lettered. */
export type RejectReason = RejectCode | 'no-consent' | 'internal-error';

/**
 * Units: readings for reading/batch messages; 1 for a status message and for
 * a message that could not be parsed far enough to count its readings.
 */
export interface IngestCounters {
  accepted(n: number): void;
  rejected(reason: RejectReason, n: number): void;
  duplicate(n: number): void;
}

export interface IngestSinks {
  deadLetters: DeadLetterSink;
  /** Household consent (PIPL): false → the data is dropped and not kept. */
  isProcessingAllowed(meterId: string): boolean;
  /** Readings of one meter, fresh (deduped) and in ts order, with the topic they came by
   *  (meters/{id}/reading or …/batch: a reading the detector refuses is filed under it). */
  onReadings(readings: Reading[], topic: string): void;
  onStatus(s: MeterStatus): void;
  counters: IngestCounters;
}
