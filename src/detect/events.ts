import type { AlertStage, AlertType, Explanation } from '../domain/alert.ts';

/** What the detector tells the shell. It never sends anything itself. */
export type DetectorEvent =
  | {
      kind: 'raise';
      meterId: string;
      type: AlertType;
      /** Clock time the condition became known (arrival time in live and replay). */
      at: number;
      /** Data time the condition refers to. */
      observedAt: number;
      reason: Explanation;
      /** 'check-in' = an earlier, lower-confidence raise (ask the elder only); absent = 'confirmed'. */
      stage?: AlertStage;
    }
  | { kind: 'clear'; meterId: string; type: AlertType; at: number; observedAt: number };

/** How the detector classified one reading; the shell counts these in metrics. */
export type ReadingVerdict =
  | 'accepted'
  | 'duplicate'
  | 'out-of-order'
  | 'fault' // bad data: absurd jump, counter reset, conflicting duplicate
  | 'held' // in the reorder buffer: released in event time once its delivery is complete
  | 'late' // older than what was already released (the watermark): counted, kept by the shell
  | 'implausible'; // still in the future after correcting the meter clock: dead-lettered by the shell

export interface ReadingResult {
  verdict: ReadingVerdict;
  /** Litres attributed to use by this reading (0 unless accepted). */
  usedLiters: number;
  events: DetectorEvent[];
  /** 'implausible': why, for the dead letter. */
  reason?: string;
  /** 'late': it fits between known readings (consistent history, just late). */
  fits?: boolean;
}
