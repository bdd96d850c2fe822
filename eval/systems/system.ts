// A system under evaluation: takes a written dataset, returns the alerts it opened.
import type { Dataset } from '../datasets/dataset.ts';
import type { EvalAlert } from '../trace.ts';

export interface RunFiles {
  /** The dataset's trace, JSONL in arrival order. */
  trace: string;
  /** Where this system's alerts go, JSONL. */
  alerts: string;
  /** Clock time to run to (end of the labelled span), epoch ms. */
  until: number;
}

export interface SystemRun {
  alerts: EvalAlert[];
  readings: number;
  wallMs: number;
  readingsPerSec: number;
  /** 'reported': the replay CLI printed its own rate; 'wall-clock': lines / wall time here. */
  speedSource: 'reported' | 'wall-clock';
}

export interface System {
  name: string;
  run(ds: Dataset, files: RunFiles): Promise<SystemRun>;
}

/** Thrown when a system cannot run at all here (e.g. its CLI does not exist yet). */
export class SystemUnavailable extends Error {
  override name = 'SystemUnavailable';
}
