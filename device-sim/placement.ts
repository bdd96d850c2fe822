// Where scenarios go in a dataset: after the learning period, at any time of day, clear of
// trips (an emergency while the household is away is not a meaningful test) and of each other.
import { overlaps, type Interval } from './intervals.ts';
import type { Rng } from './rng.ts';
import { DAY, HOUR } from './sim-time.ts';

export interface PlacementRequest {
  /** Earliest and latest onset. */
  window: Interval;
  durationMs: number;
  /** Periods the scenario (with margins) must not touch. */
  avoid: readonly Interval[];
  /** Preferred onsets (e.g. the household's shower starts); if none fits, any time is tried. */
  candidates?: readonly number[];
}

/** Margins: the day before an onset must be ordinary, and the aftermath must settle. */
const BEFORE = DAY;
const AFTER = 12 * HOUR;

export function footprint(at: number, durationMs: number): Interval {
  return { start: at - BEFORE, end: at + durationMs + AFTER };
}

export function place(req: PlacementRequest, rng: Rng): number | undefined {
  const fits = (at: number) =>
    at >= req.window.start && at <= req.window.end && !req.avoid.some((a) => overlaps(a, footprint(at, req.durationMs)));
  const preferred = (req.candidates ?? []).filter(fits);
  if (preferred.length > 0) return rng.pick(preferred);
  for (let attempt = 0; attempt < 200; attempt++) {
    const at = Math.round(rng.float(req.window.start, req.window.end) / 1000) * 1000;
    if (fits(at)) return at;
  }
  return undefined;
}
