// Runs a reference rule over a trace the way a deployed system sees it: lines in arrival order,
// the clock driven by arrival time (receivedAt ?? ts), and a tick at every 5-minute boundary
// in between so that time-based rules fire on time even when no reading arrives.
//
// Use is computed as naively as deployed systems do: the positive difference between a meter's
// consecutive readings. A negative difference (counter reset, glitch) is ignored and becomes the
// new baseline; a jump of any size counts as use. A reading whose ts is not after the meter's
// previous one (duplicate, out-of-order resend) is dropped, as a time-series store keyed by
// timestamp would do.
import { arrivalMs, iso, MINUTE, toMs, type EvalAlert, type TraceLine } from '../trace.ts';

/** One reading interval of one meter, with the litres used in it. */
export interface Interval {
  meterId: string;
  /** Data time of the previous reading (start of the interval). */
  fromTs: number;
  /** Data time of this reading (end of the interval). */
  ts: number;
  liters: number;
}

export interface RuleAlert {
  meterId: string;
  type: 'no-usage' | 'surge';
}

/** A reference rule: fed intervals and clock ticks, returns the alerts it opens at `now`. */
export interface ReferenceRule {
  /** A meter's first reading: the rule starts watching it (no interval yet). */
  start(meterId: string, ts: number, now: number): RuleAlert[];
  interval(iv: Interval, now: number): RuleAlert[];
  /** Evaluate every watched meter at clock time `now`. */
  tick(now: number): RuleAlert[];
}

export interface DriveOptions {
  tickMs?: number;
  /** Keep ticking after the last line up to this clock time (epoch ms). */
  until?: number;
}

export const DEFAULT_TICK_MS = 5 * MINUTE;

export function runRule(rule: ReferenceRule, lines: Iterable<TraceLine>, opts: DriveOptions = {}): EvalAlert[] {
  const tickMs = opts.tickMs ?? DEFAULT_TICK_MS;
  const alerts: EvalAlert[] = [];
  const emit = (found: RuleAlert[], now: number): void => {
    for (const a of found) alerts.push({ meterId: a.meterId, type: a.type, openedAt: iso(now) });
  };
  const last = new Map<string, { ts: number; total: number }>();
  let clock = -Infinity;
  let nextTick = Infinity;
  // A boundary equal to a reading's arrival is ticked after that reading, like any tick at `now`.
  const tickUpTo = (limit: number, inclusive: boolean): void => {
    for (; inclusive ? nextTick <= limit : nextTick < limit; nextTick += tickMs) emit(rule.tick(nextTick), nextTick);
  };

  for (const line of lines) {
    const now = Math.max(clock, arrivalMs(line));
    if (clock === -Infinity) nextTick = Math.ceil(now / tickMs) * tickMs;
    tickUpTo(now, false);
    clock = now;
    const ts = toMs(line.ts);
    const prev = last.get(line.meterId);
    if (!prev) {
      last.set(line.meterId, { ts, total: line.totalLiters });
      emit(rule.start(line.meterId, ts, now), now);
    } else if (ts > prev.ts) {
      const liters = Math.max(0, line.totalLiters - prev.total);
      last.set(line.meterId, { ts, total: line.totalLiters });
      emit(rule.interval({ meterId: line.meterId, fromTs: prev.ts, ts, liters }, now), now);
    }
  }
  tickUpTo(opts.until ?? clock, true);
  return alerts;
}
