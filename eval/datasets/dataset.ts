// A labelled trace the harness can score systems on.
import type { DatasetLabels } from '../labels.ts';
import { arrivalMs, type TraceLine } from '../trace.ts';

export interface Dataset {
  name: string;
  /** Readings in arrival order. */
  lines: TraceLine[];
  labels: DatasetLabels;
}

export interface DatasetSpec {
  name: string;
  /** One line: where it comes from and how big it is. */
  about: string;
  /** Reported together in the summary: 'sim', 'sim held-out', 'real', 'real held-out'. */
  group?: string;
  build(): Promise<Dataset>;
}

/** A dataset that cannot be built here (its generator or data is missing): skipped with a message. */
export class DatasetUnavailable extends Error {
  override name = 'DatasetUnavailable';
}

/** Accepts what a generator or converter returns: `{lines|trace, labels}`. */
export function asDataset(name: string, value: unknown, from: string): Dataset {
  const v = (value ?? {}) as { lines?: unknown; trace?: unknown; labels?: unknown };
  const lines = v.lines ?? v.trace;
  const labels = v.labels as DatasetLabels | undefined;
  if (!Array.isArray(lines) || !labels || !Array.isArray(labels.meters) || !Array.isArray(labels.events)) {
    throw new DatasetUnavailable(`${from} returned ${describe(value)}; expected { lines: TraceLine[], labels: DatasetLabels }`);
  }
  return { name, lines: inArrivalOrder(lines as TraceLine[]), labels: { ...labels, name, normals: labels.normals ?? [] } };
}

const describe = (v: unknown): string =>
  v && typeof v === 'object' ? `an object with keys [${Object.keys(v).join(', ')}]` : JSON.stringify(v);

/** The lines in arrival order (stable for equal arrival times); the same array when already so. */
export function inArrivalOrder(lines: TraceLine[]): TraceLine[] {
  const keys = lines.map(arrivalMs);
  if (keys.every((k, i) => i === 0 || keys[i - 1]! <= k)) return lines;
  return keys
    .map((k, i) => ({ k, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map(({ i }) => lines[i]!);
}
