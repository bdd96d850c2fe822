// Flow features for surge and leak: the current continuous run of flow (and how long it has
// been sustained), the volume in the trailing hour and in a short trailing window, and the
// "never dry" streak; plus each household's daily maxima of them, learned so that its own long
// showers, baths or irrigation days are not surges.
import type { DetectorConfig } from './config.ts';
import { HOUR, MINUTE, dayIndex } from './time.ts';

/** A reading up to this many short windows long still says something about the window
 *  (meter clocks drift); a longer one (a missed reading, an hourly meter) does not. */
const SHORT_SLACK = 1.5;

interface Interval {
  t0: number;
  t1: number;
  liters: number;
}

interface FlowDay {
  day: number;
  maxRunMs: number;
  /** Longest run whose every interval after the first held sustained flow (a tap or shower running). */
  maxSustainedMs: number;
  maxHourL: number;
  /** Most water in any short trailing window (stays 0 when the cadence is too coarse to say). */
  maxShortL: number;
  /** Longest completed streak of never-dry intervals (some households have long ones). */
  maxWetMs: number;
  /** Longest streak of coarse intervals each holding at least surge.steadyLpm. */
  maxSteadyMs: number;
  excluded: boolean;
}

export interface FlowState {
  recent: Interval[]; // intervals ending in the last hour, oldest first
  runStart: number; // NaN when no run
  runLiters: number;
  runIntervals: number;
  /** Lowest use rate (L/min) of the run's intervals after its first (Infinity while it has one). */
  runTailMinLpm: number;
  /** How long the run has been sustained (every interval after the first ≥ surge.sustainedLpm). */
  runSustainedMs: number;
  /** The current streak of coarse intervals each at ≥ surge.steadyLpm (a tap or pipe running). */
  steadyStart: number;
  steadyLiters: number;
  steadyIntervals: number;
  /** End of the last interval whose flow dropped below the leak floor. */
  lastDryAt: number;
  wetIntervals: number;
  wetMinLpm: number;
  /** Leak flow subtracted from use while a leak is known (so no-usage still works). */
  baselineLpm: number;
  today: FlowDay | null;
  days: FlowDay[];
  learnedMaxRunMs: number; // NaN while learning
  learnedMaxSustainedMs: number;
  learnedMaxHourL: number;
  learnedMaxShortL: number;
  learnedMaxWetMs: number;
  learnedMaxSteadyMs: number;
}

export const createFlow = (): FlowState => ({
  recent: [],
  runStart: NaN,
  runLiters: 0,
  runIntervals: 0,
  runTailMinLpm: Infinity,
  runSustainedMs: 0,
  steadyStart: NaN,
  steadyLiters: 0,
  steadyIntervals: 0,
  lastDryAt: NaN,
  wetIntervals: 0,
  wetMinLpm: Infinity,
  baselineLpm: 0,
  today: null,
  days: [],
  learnedMaxRunMs: NaN,
  learnedMaxSustainedMs: NaN,
  learnedMaxHourL: NaN,
  learnedMaxShortL: NaN,
  learnedMaxWetMs: NaN,
  learnedMaxSteadyMs: NaN,
});

export interface FlowFeatures {
  runMs: number;
  runLiters: number;
  runIntervals: number;
  runTailMinLpm: number;
  hourLiters: number;
  /** Litres in the trailing short window; NaN when this interval is longer than the window allows. */
  shortLiters: number;
  wetMs: number;
  wetIntervals: number;
  wetMinLpm: number;
  steadyMs: number;
  steadyIntervals: number;
  steadyLiters: number;
}

/** Fold one interval in; `gap` marks an interval too long to say anything about continuity. */
export function observeFlow(f: FlowState, t0: number, t1: number, liters: number, gap: boolean, cfg: DetectorConfig): FlowFeatures {
  rollFlowDay(f, dayIndex(t1, cfg.utcOffsetMinutes), cfg);
  const dtMin = (t1 - t0) / MINUTE;
  const lpm = dtMin > 0 ? liters / dtMin : 0;
  const useLpm = lpm - f.baselineLpm;
  const fine = t1 - t0 <= 5 * MINUTE;
  const runLpm = fine ? cfg.surge.runLpmFine : cfg.surge.runLpmCoarse;

  if (!gap && useLpm >= runLpm) {
    if (Number.isNaN(f.runStart)) {
      f.runStart = t0;
      f.runLiters = 0;
      f.runIntervals = 0;
      f.runTailMinLpm = Infinity;
    } else {
      // The first interval may hold only the start of the flow; the later ones are whole.
      f.runTailMinLpm = Math.min(f.runTailMinLpm, useLpm);
    }
    f.runLiters += liters;
    f.runIntervals++;
    if (f.runTailMinLpm >= cfg.surge.sustainedLpm) f.runSustainedMs = t1 - f.runStart;
  } else {
    if (!Number.isNaN(f.runStart) && f.today && !f.today.excluded) {
      f.today.maxRunMs = Math.max(f.today.maxRunMs, t0 - f.runStart);
      f.today.maxSustainedMs = Math.max(f.today.maxSustainedMs, f.runSustainedMs);
    }
    f.runStart = NaN;
  }

  // Coarse intervals that each hold a tap's worth of water (30 L in 15 min, 120 L in an hour):
  // whatever the run rule says about continuity inside them, water ran the whole time.
  // (Coarse registers step in whole litres: one litre of slack per interval.)
  if (!fine && !gap && useLpm * dtMin >= cfg.surge.steadyLpm * dtMin - 1) {
    if (Number.isNaN(f.steadyStart)) {
      f.steadyStart = t0;
      f.steadyLiters = 0;
      f.steadyIntervals = 0;
    }
    f.steadyLiters += liters;
    f.steadyIntervals++;
  } else {
    if (!Number.isNaN(f.steadyStart) && f.today && !f.today.excluded) f.today.maxSteadyMs = Math.max(f.today.maxSteadyMs, t0 - f.steadyStart);
    f.steadyStart = NaN;
  }

  if (gap || lpm < cfg.leak.minLpm || Number.isNaN(f.lastDryAt)) {
    if (f.wetIntervals > 0 && f.today && !f.today.excluded) f.today.maxWetMs = Math.max(f.today.maxWetMs, t0 - f.lastDryAt);
    f.lastDryAt = t1;
    f.wetIntervals = 0;
    f.wetMinLpm = Infinity;
  } else {
    f.wetIntervals++;
    f.wetMinLpm = Math.min(f.wetMinLpm, lpm);
  }

  f.recent.push({ t0, t1, liters });
  let drop = 0;
  while (drop < f.recent.length && f.recent[drop]!.t1 <= t1 - HOUR) drop++;
  if (drop) f.recent.splice(0, drop);
  const hourLiters = litersSince(f, t1 - HOUR);
  // A reading much longer than the short window smears a burst with the rest of the interval:
  // an hourly meter has no short-window volume (the trailing hour covers it). A slightly long
  // one is prorated, as for the hour.
  const win = cfg.surge.shortWindowMs;
  const shortLiters = t1 - t0 <= win * SHORT_SLACK ? litersSince(f, t1 - win) : NaN;
  if (f.today && !f.today.excluded && !gap) {
    f.today.maxHourL = Math.max(f.today.maxHourL, hourLiters);
    if (!Number.isNaN(shortLiters)) f.today.maxShortL = Math.max(f.today.maxShortL, shortLiters);
  }

  return {
    runMs: Number.isNaN(f.runStart) ? 0 : t1 - f.runStart,
    runLiters: Number.isNaN(f.runStart) ? 0 : f.runLiters,
    runIntervals: Number.isNaN(f.runStart) ? 0 : f.runIntervals,
    runTailMinLpm: Number.isNaN(f.runStart) ? Infinity : f.runTailMinLpm,
    hourLiters,
    shortLiters,
    wetMs: t1 - f.lastDryAt,
    wetIntervals: f.wetIntervals,
    wetMinLpm: f.wetMinLpm,
    steadyMs: Number.isNaN(f.steadyStart) ? 0 : t1 - f.steadyStart,
    steadyIntervals: Number.isNaN(f.steadyStart) ? 0 : f.steadyIntervals,
    steadyLiters: Number.isNaN(f.steadyStart) ? 0 : f.steadyLiters,
  };
}

/** Litres used after `since` (prorated by interval), within the recent hour kept. */
export function litersSince(f: FlowState, since: number): number {
  let liters = 0;
  for (const iv of f.recent) {
    if (iv.t1 <= since) continue;
    const from = Math.max(iv.t0, since);
    liters += iv.t1 > iv.t0 ? (iv.liters * (iv.t1 - from)) / (iv.t1 - iv.t0) : iv.liters;
  }
  return liters;
}

export function excludeFlowToday(f: FlowState): void {
  if (f.today) f.today.excluded = true;
}

function rollFlowDay(f: FlowState, day: number, cfg: DetectorConfig): void {
  if (f.today && f.today.day === day) return;
  if (f.today) {
    f.days.push(f.today);
    while (f.days.length > cfg.historyDays) f.days.shift();
    const good = f.days.filter((d) => !d.excluded);
    if (good.length >= cfg.minHistoryDays) {
      f.learnedMaxRunMs = Math.max(...good.map((d) => d.maxRunMs));
      f.learnedMaxSustainedMs = Math.max(...good.map((d) => d.maxSustainedMs));
      f.learnedMaxHourL = Math.max(...good.map((d) => d.maxHourL));
      f.learnedMaxShortL = Math.max(...good.map((d) => d.maxShortL));
      f.learnedMaxWetMs = Math.max(...good.map((d) => d.maxWetMs));
      f.learnedMaxSteadyMs = Math.max(...good.map((d) => d.maxSteadyMs));
    } else {
      f.learnedMaxRunMs = NaN;
      f.learnedMaxSustainedMs = NaN;
      f.learnedMaxHourL = NaN;
      f.learnedMaxShortL = NaN;
      f.learnedMaxWetMs = NaN;
      f.learnedMaxSteadyMs = NaN;
    }
  }
  f.today = { day, maxRunMs: 0, maxSustainedMs: 0, maxHourL: 0, maxShortL: 0, maxWetMs: 0, maxSteadyMs: 0, excluded: false };
}
