// Flow features for surge and leak: the current continuous run of flow, the volume in the
// trailing hour, and the "never dry" streak; plus each household's daily maxima of the
// first two, learned so that its own long showers or irrigation days are not surges.
import type { DetectorConfig } from './config.ts';
import { HOUR, MINUTE, dayIndex } from './time.ts';

interface Interval {
  t0: number;
  t1: number;
  liters: number;
}

interface FlowDay {
  day: number;
  maxRunMs: number;
  maxHourL: number;
  /** Longest completed streak of never-dry intervals (some households have long ones). */
  maxWetMs: number;
  excluded: boolean;
}

export interface FlowState {
  recent: Interval[]; // intervals ending in the last hour, oldest first
  runStart: number; // NaN when no run
  runLiters: number;
  runIntervals: number;
  /** End of the last interval whose flow dropped below the leak floor. */
  lastDryAt: number;
  wetIntervals: number;
  wetMinLpm: number;
  /** Leak flow subtracted from use while a leak is known (so no-usage still works). */
  baselineLpm: number;
  today: FlowDay | null;
  days: FlowDay[];
  learnedMaxRunMs: number; // NaN while learning
  learnedMaxHourL: number;
  learnedMaxWetMs: number;
}

export const createFlow = (): FlowState => ({
  recent: [],
  runStart: NaN,
  runLiters: 0,
  runIntervals: 0,
  lastDryAt: NaN,
  wetIntervals: 0,
  wetMinLpm: Infinity,
  baselineLpm: 0,
  today: null,
  days: [],
  learnedMaxRunMs: NaN,
  learnedMaxHourL: NaN,
  learnedMaxWetMs: NaN,
});

export interface FlowFeatures {
  runMs: number;
  runLiters: number;
  runIntervals: number;
  hourLiters: number;
  wetMs: number;
  wetIntervals: number;
  wetMinLpm: number;
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
    }
    f.runLiters += liters;
    f.runIntervals++;
  } else {
    if (!Number.isNaN(f.runStart) && f.today && !f.today.excluded)
      f.today.maxRunMs = Math.max(f.today.maxRunMs, t0 - f.runStart);
    f.runStart = NaN;
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
  if (f.today && !f.today.excluded && !gap) f.today.maxHourL = Math.max(f.today.maxHourL, hourLiters);

  return {
    runMs: Number.isNaN(f.runStart) ? 0 : t1 - f.runStart,
    runLiters: Number.isNaN(f.runStart) ? 0 : f.runLiters,
    runIntervals: Number.isNaN(f.runStart) ? 0 : f.runIntervals,
    hourLiters,
    wetMs: t1 - f.lastDryAt,
    wetIntervals: f.wetIntervals,
    wetMinLpm: f.wetMinLpm,
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
      f.learnedMaxHourL = Math.max(...good.map((d) => d.maxHourL));
      f.learnedMaxWetMs = Math.max(...good.map((d) => d.maxWetMs));
    } else {
      f.learnedMaxRunMs = NaN;
      f.learnedMaxHourL = NaN;
      f.learnedMaxWetMs = NaN;
    }
  }
  f.today = { day, maxRunMs: 0, maxHourL: 0, maxWetMs: 0, excluded: false };
}
