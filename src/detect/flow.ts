// Flow features for surge and leak: the current continuous run of flow (and how long it has
// been sustained), the volume in the trailing hour and in a short trailing window, and the
// "never dry" streak; plus each household's daily maxima of them, learned so that its own long
// showers, baths or irrigation days are not surges.
import type { DetectorConfig } from './config.ts';
import { noteDrip, rollDrip } from './drip.ts';
import { endLumps, lumpMs, noteRefill } from './refill.ts';
import { type FlowDays, createFlowDays, dropOldestFlowDay, excludeFlowDay, flowDayCount, goodFlowDays, maxOverGood, pushFlowDay, raiseToday, todayLearns, todayNo } from './flow-days.ts';
import { columnToLiters, fromColumn, isMilli, toColumn } from './milli.ts';
import { type Nums, nums, numAt, numsDropFront, numsLength, numsPush, numsRebase } from './nums.ts';
import { FINE_MAX_MS, leakStepLiters, wetOnStep } from './flow-steps.ts';
import { coarseStepLiters, noteDelta } from './register-step.ts';
import { HOUR, MINUTE, dayIndex } from './time.ts';

/** A reading up to this many short windows long still says something about the window
 *  (meter clocks drift); a longer one (a missed reading, an hourly meter) does not. */
const SHORT_SLACK = 1.5;

export interface FlowState {
  /** Intervals ending in the last hour, oldest first, as (t0 − recentBase, t1 − recentBase,
   *  litres) triples (nums.ts): small whole ms and, while every volume is whole millilitres
   *  (`recentMilli`, milli.ts), thousandths, so a fine meter's 60 take 12 bytes each. */
  recent: Nums;
  recentBase: number;
  recentMilli: boolean;
  runStart: number; // NaN when no run
  /** The run's and the steady streak's volumes in whole mL: small integers, not a heap box each
   *  per meter (issue 12.4). */
  runMl: number;
  runIntervals: number;
  /** Lowest use rate (L/min) of the run's intervals after its first (Infinity while it has one). */
  runTailMinLpm: number;
  /** How long the run has been sustained (every interval after the first ≥ surge.sustainedLpm). */
  runSustainedMs: number;
  /** The current streak of coarse intervals each at ≥ surge.steadyLpm (a tap or pipe running). */
  steadyStart: number;
  steadyMl: number;
  steadyIntervals: number;
  /** End of the last interval whose flow dropped below the leak floor. */
  lastDryAt: number;
  wetIntervals: number;
  wetMinLpm: number;
  /** The current streak of intervals each at ≥ leak.fastLpm (NaN/0: none): on a meter read every
   *  2–4 h, a leak too strong for a night of toilet visits (flow-rules.ts checkLeak). */
  fastFrom: number;
  fastIntervals: number;
  fastMinLpm: number;
  /** Leak flow subtracted from use while a leak is known (so no-usage still works). */
  baselineLpm: number;
  /** The lowest rate of any interval today and yesterday, mL/h (-1: none; drip.ts). */
  dripDayMlh: number;
  dripPrevMlh: number;
  /** The register's step (register-step.ts): the largest ladder step in mL dividing every positive
   *  delta, and how many deltas say so. */
  stepMilli: number;
  stepDeltas: number;
  /** End of the last interval in which the register moved (NaN: none yet). */
  lastTickAt: number;
  /** Each day's maxima, learned so that a household's own long showers, baths or irrigation
   *  days are not surges: the last historyDays days and today (flow-days.ts). */
  days: FlowDays;
  learnedMaxRunMs: number; // NaN while learning
  learnedMaxSustainedMs: number;
  learnedMaxHourL: number;
  learnedMaxShortL: number;
  learnedMaxWetMs: number;
  learnedMaxSteadyMs: number;
  /** How long the register has not stood still for long, and the credit of a cistern's refills,
   *  in one small integer (refill.ts; 0: none). */
  refillLump: number;
}

export const createFlow = (): FlowState => ({
  recent: nums(1),
  recentBase: 0,
  recentMilli: true,
  runStart: NaN,
  runMl: 0,
  runIntervals: 0,
  runTailMinLpm: Infinity,
  runSustainedMs: 0,
  steadyStart: NaN,
  steadyMl: 0,
  steadyIntervals: 0,
  lastDryAt: NaN,
  wetIntervals: 0,
  wetMinLpm: Infinity,
  fastFrom: NaN,
  fastIntervals: 0,
  fastMinLpm: Infinity,
  baselineLpm: 0,
  dripDayMlh: -1,
  dripPrevMlh: -1,
  stepMilli: 0,
  stepDeltas: 0,
  lastTickAt: NaN,
  days: createFlowDays(),
  learnedMaxRunMs: NaN,
  learnedMaxSustainedMs: NaN,
  learnedMaxHourL: NaN,
  learnedMaxShortL: NaN,
  learnedMaxWetMs: NaN,
  learnedMaxSteadyMs: NaN,
  refillLump: 0,
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
  fastMs: number;
  fastIntervals: number;
  fastMinLpm: number;
  steadyMs: number;
  steadyIntervals: number;
  steadyLiters: number;
  /** Litres of the interval that are a self-refilling cistern's background (refill.ts), and how
   *  long the register has never stood still for long (0: it just did). */
  refillLiters: number;
  lumpMs: number;
  /** The interval's length (t1 − t0). */
  intervalMs: number;
  /** The time the interval's litres flowed over, for subtracting a known leak: the interval, or
   *  on a coarse-step register the time since the register last moved (its water accrued then). */
  spanMs: number;
  /** The same for the standing trickle's share (drip.ts), from a trusted whole-litre step up
   *  (spanMs starts at COARSE_STEP_L, 2 L: the leak rules were tuned with whole litres per interval). */
  accrualMs: number;
}

/** A surge has just ended: the water it ran is not a leak's, so the never-dry streak starts
 *  again here. Else a shower left running for a day (a fall), once it stops, reads as "25 h
 *  without a dry interval" and raises a leak about the same water (sim-15min: 4 such leaks,
 *  scored false once delivery lag moved them past the event). */
export function restartWetStreak(f: FlowState, features: FlowFeatures, t: number): void {
  f.lastDryAt = t;
  f.wetIntervals = 0;
  f.wetMinLpm = Infinity;
  f.fastFrom = NaN;
  f.fastIntervals = 0;
  f.fastMinLpm = Infinity;
  endLumps(f);
  features.lumpMs = 0;
  features.wetMs = 0;
  features.wetIntervals = 0;
  features.wetMinLpm = Infinity;
  features.fastMs = 0;
  features.fastIntervals = 0;
  features.fastMinLpm = Infinity;
}

/** A day's worth of a meter's intervals (leak.maxWindowMs of them). Fewer than leak.minIntervals
 *  (a meter read every 2–4 h): its leak rule also takes the streaks at ≥ leak.fastLpm
 *  (flow-rules.ts), which must hold that many. */
export const fastLeakIntervals = (cfg: DetectorConfig, cadenceMs: number): number => Math.ceil(cfg.leak.maxWindowMs / cadenceMs);
const fastLeakTier = (cfg: DetectorConfig, cadenceMs: number): boolean => fastLeakIntervals(cfg, cadenceMs) < cfg.leak.minIntervals;

/** Fold one interval in; `gap` marks an interval too long to say anything about continuity;
 *  `cadenceMs` is the meter's data cadence. */
export function observeFlow(f: FlowState, t0: number, t1: number, liters: number, gap: boolean, cadenceMs: number, cfg: DetectorConfig): FlowFeatures {
  rollFlowDay(f, dayIndex(t1, cfg.utcOffsetMinutes), cfg);
  // Every day a raised surge spans is excluded from learning (flow-rules.ts checkSurge).
  const learns = todayLearns(f.days);
  const dtMin = (t1 - t0) / MINUTE;
  const lpm = dtMin > 0 ? liters / dtMin : 0;
  const useLpm = lpm - f.baselineLpm;
  const fine = t1 - t0 <= FINE_MAX_MS;
  const runLpm = fine ? cfg.surge.runLpmFine : cfg.surge.runLpmCoarse;

  if (!gap && useLpm >= runLpm) {
    if (Number.isNaN(f.runStart)) {
      f.runStart = t0;
      f.runMl = 0;
      f.runIntervals = 0;
      f.runTailMinLpm = Infinity;
    } else {
      // The first interval may hold only the start of the flow; the later ones are whole.
      f.runTailMinLpm = Math.min(f.runTailMinLpm, useLpm);
    }
    f.runMl += Math.round(liters * 1000);
    f.runIntervals++;
    if (f.runTailMinLpm >= cfg.surge.sustainedLpm) f.runSustainedMs = t1 - f.runStart;
  } else {
    if (!Number.isNaN(f.runStart) && learns) {
      raiseToday(f.days, 'run', t0 - f.runStart);
      raiseToday(f.days, 'sustained', f.runSustainedMs);
    }
    f.runStart = NaN;
  }

  // Coarse intervals that each hold a tap's worth of water (30 L in 15 min, 120 L in an hour):
  // whatever the run rule says about continuity inside them, water ran the whole time.
  // (Coarse registers step in whole litres, or in tens: one step of slack per interval, while a
  // step is at most a third of a tap's worth; a coarser register cannot show a tap per interval.)
  const step = coarseStepLiters(f);
  const steadyL = cfg.surge.steadyLpm * dtMin;
  const slack = step > 0 && 3 * step <= steadyL ? step : 1;
  if (!fine && !gap && useLpm * dtMin >= steadyL - slack) {
    if (Number.isNaN(f.steadyStart)) {
      f.steadyStart = t0;
      f.steadyMl = 0;
      f.steadyIntervals = 0;
    }
    f.steadyMl += Math.round(liters * 1000);
    f.steadyIntervals++;
  } else {
    if (!Number.isNaN(f.steadyStart) && learns) raiseToday(f.days, 'steady', t0 - f.steadyStart);
    f.steadyStart = NaN;
  }

  const tickFrom = Number.isNaN(f.lastTickAt) ? t0 : Math.min(t0, f.lastTickAt);
  const ls = leakStepLiters(f, t1 - t0, step, cfg);
  const wet = ls > 0 ? wetOnStep(f, t0, t1, liters, ls, cfg) : lpm >= cfg.leak.minLpm ? lpm : -1;
  // On a meter of the fast tier, the never-dry streak's learned length never decides (its
  // leak.minIntervals are 40–80 h, past maxWindowMs): the day's 'wet' maximum is the longest
  // streak at ≥ fastLpm instead, which its fast rule waits beyond. Other meters learn the streak.
  const fastTier = fastLeakTier(cfg, cadenceMs);
  if (gap || wet < 0 || Number.isNaN(f.lastDryAt)) {
    if (f.wetIntervals > 0 && !fastTier && learns) raiseToday(f.days, 'wet', t0 - f.lastDryAt);
    f.lastDryAt = t1;
    f.wetIntervals = 0;
    f.wetMinLpm = Infinity;
  } else {
    f.wetIntervals++;
    if (wet > 0) f.wetMinLpm = Math.min(f.wetMinLpm, wet);
  }
  if (!gap && wet >= cfg.leak.fastLpm) {
    if (f.fastIntervals === 0) {
      f.fastFrom = t0;
      f.fastMinLpm = Infinity;
    }
    f.fastIntervals++;
    f.fastMinLpm = Math.min(f.fastMinLpm, wet);
  } else {
    if (f.fastIntervals > 0 && fastTier && learns) raiseToday(f.days, 'wet', t0 - f.fastFrom);
    f.fastFrom = NaN;
    f.fastIntervals = 0;
    f.fastMinLpm = Infinity;
  }
  const accrualFrom = noteDrip(f, t0, t1, liters, gap, tickFrom);
  const spanMs = step > 0 && liters > 0 && !gap ? t1 - tickFrom : t1 - t0;
  const refillLiters = noteRefill(f, t0, t1, liters, liters - (f.baselineLpm * spanMs) / MINUTE, gap, cadenceMs, cfg);
  if (liters > 0) {
    noteDelta(f, liters);
    f.lastTickAt = t1;
  }

  remember(f, t0, t1, liters);
  const hourLiters = litersSince(f, t1 - HOUR);
  // A reading much longer than the short window smears a burst with the rest of the interval:
  // an hourly meter has no short-window volume (the trailing hour covers it). A slightly long
  // one is prorated, as for the hour.
  const win = cfg.surge.shortWindowMs;
  const shortLiters = t1 - t0 <= win * SHORT_SLACK ? litersSince(f, t1 - win) : NaN;
  if (learns && !gap) {
    raiseToday(f.days, 'hourL', hourLiters);
    if (!Number.isNaN(shortLiters)) raiseToday(f.days, 'shortL', shortLiters);
  }

  return {
    runMs: Number.isNaN(f.runStart) ? 0 : t1 - f.runStart,
    runLiters: Number.isNaN(f.runStart) ? 0 : f.runMl / 1000,
    runIntervals: Number.isNaN(f.runStart) ? 0 : f.runIntervals,
    runTailMinLpm: Number.isNaN(f.runStart) ? Infinity : f.runTailMinLpm,
    hourLiters,
    shortLiters,
    wetMs: t1 - f.lastDryAt,
    wetIntervals: f.wetIntervals,
    wetMinLpm: f.wetMinLpm,
    fastMs: f.fastIntervals ? t1 - f.fastFrom : 0,
    fastIntervals: f.fastIntervals,
    fastMinLpm: f.fastMinLpm,
    steadyMs: Number.isNaN(f.steadyStart) ? 0 : t1 - f.steadyStart,
    steadyIntervals: Number.isNaN(f.steadyStart) ? 0 : f.steadyIntervals,
    steadyLiters: Number.isNaN(f.steadyStart) ? 0 : f.steadyMl / 1000,
    refillLiters,
    lumpMs: lumpMs(f),
    intervalMs: t1 - t0,
    spanMs,
    accrualMs: t1 - accrualFrom,
  };
}

/** Keep the interval in the trailing hour, and drop those that ended before it. */
function remember(f: FlowState, t0: number, t1: number, liters: number): void {
  const rec = f.recent;
  const hourAgo = t1 - HOUR - f.recentBase;
  let drop = 0;
  const len = numsLength(rec);
  while (drop < len && numAt(rec, drop + 1) <= hourAgo) drop += 3;
  if (drop) numsDropFront(rec, drop);
  if (numsLength(rec) === 0) {
    f.recentBase = t0;
    f.recentMilli = true;
  } else if (t1 - f.recentBase > REBASE_AFTER_MS) rebase(f);
  if (f.recentMilli && !isMilli(liters)) {
    columnToLiters(rec, 3, 2);
    f.recentMilli = false;
  }
  numsPush(rec, t0 - f.recentBase);
  numsPush(rec, t1 - f.recentBase);
  numsPush(rec, toColumn(f.recentMilli, liters));
}

/** The relative times stay within an Int32 (±24 days of ms): rebased, O(kept), at most once
 *  in 12 days of a meter that never stops for an hour. */
const REBASE_AFTER_MS = 2 ** 30;
function rebase(f: FlowState): void {
  f.recentBase += numsRebase(f.recent, 3, [0, 1]);
}

/** Litres used after `since` (prorated by interval), within the recent hour kept. */
export function litersSince(f: FlowState, since: number): number {
  let liters = 0;
  // Whole intervals in millilitres are summed as integers (exact), so a fine meter's volumes
  // (and the maxima learned from them, flow-days.ts) stay whole millilitres.
  let milliliters = 0;
  const rec = f.recent;
  const base = f.recentBase;
  const milli = f.recentMilli;
  for (let i = 0, n = numsLength(rec); i < n; i += 3) {
    const t0 = base + numAt(rec, i);
    const t1 = base + numAt(rec, i + 1);
    if (t1 <= since) continue;
    const v = numAt(rec, i + 2);
    if (milli && t0 >= since) milliliters += v;
    else {
      const l = fromColumn(milli, v);
      const from = Math.max(t0, since);
      liters += t1 > t0 ? (l * (t1 - from)) / (t1 - t0) : l;
    }
  }
  return milliliters === 0 ? liters : milliliters / 1000 + liters;
}

export function excludeFlowToday(f: FlowState): void {
  excludeFlowDay(f.days);
}

function rollFlowDay(f: FlowState, day: number, cfg: DetectorConfig): void {
  const s = f.days;
  if (todayNo(s) === day) return;
  rollDrip(f);
  if (flowDayCount(s)) {
    // Today is done: it joins the history.
    while (flowDayCount(s) > cfg.historyDays) dropOldestFlowDay(s);
    if (goodFlowDays(s) >= cfg.minHistoryDays) {
      f.learnedMaxRunMs = maxOverGood(s, 'run');
      f.learnedMaxSustainedMs = maxOverGood(s, 'sustained');
      f.learnedMaxHourL = maxOverGood(s, 'hourL');
      f.learnedMaxShortL = maxOverGood(s, 'shortL');
      f.learnedMaxWetMs = maxOverGood(s, 'wet');
      f.learnedMaxSteadyMs = maxOverGood(s, 'steady');
    } else {
      f.learnedMaxRunMs = NaN;
      f.learnedMaxSustainedMs = NaN;
      f.learnedMaxHourL = NaN;
      f.learnedMaxShortL = NaN;
      f.learnedMaxWetMs = NaN;
      f.learnedMaxSteadyMs = NaN;
    }
  }
  pushFlowDay(s, day);
}
