// The household's routine, learned online, for the no-usage rule. It keeps the silences
// (time between two uses of water) of the last few weeks, and the morning first-use times.
//
// A silence is judged by when it *began*: "since this household last used water at 19:05,
// is it normal that nothing has happened until now?" It is normal if on some learned day a
// silence that was under way by then (or began up to `precedentAfterMs` later, for day-to-day
// jitter) lasted as long. The deadline is the latest such precedent's end plus a margin.
// Judging by the start, not only by the time of day, is what lets an evening silence alert
// before midnight although the same household is silent for 9 h every night (those silences
// began at bedtime) and on a day out from the morning (it began in the morning).
// A silence that runs into the night ends with the morning's first use: it is held to the
// latest first use seen in the learned days (or a later precedent) plus a morning margin.
// The night itself is learned (each day's longest silence), not assumed from the clock.
// Before enough days are known a fixed backstop applies; a hard cap bounds every deadline.
// This file keeps the history; deadline.ts computes a silence's deadline, night.ts the night.
import type { DetectorConfig } from './config.ts';
import type { SilenceVerdict } from './deadline.ts';
import { coverHours, popcount24 } from './coverage.ts';
import { circularMeanMin } from './night.ts';
import {
  type RoutineDays,
  addObserved,
  comparableDayCount,
  createRoutineDays,
  dayCount,
  dayNo,
  dropOldestDay,
  findLongEnd,
  forEachLearnedSilence,
  isExcluded,
  longestMidMin,
  longestMs,
  observedHours,
  observedMs,
  pushDay,
  pushLongEnd,
  pushSilence,
  setExcluded,
  setLongest,
  setObservedHours,
} from './routine-days.ts';
import { HOUR, MINUTE, afterMin, dayIndex, minuteOfDay } from './time.ts';

export interface RoutineState {
  /** The learned days and the current one: per-day records and their silences, in compact
   *  storage (routine-days.ts). Each day keeps the completed silences that began on it, the
   *  data time covered by readings without a gap, the local hours it observed (a 24-bit mask,
   *  coverage.ts: precedents count among the days that saw the hour), its longest silence that
   *  ended that day (usually the night: length and midpoint minute), the minute at which each
   *  silence of at least NIGHT_SILENCE that ended that day ended, and whether it is excluded
   *  from learning (away or an absence-length silence; a day that raised no-usage stays
   *  learnable: a silence that ended normally was the household's own). A day with gaps is
   *  learned for the hours it saw; its night only when it has MIN_OBSERVED of data. */
  days: RoutineDays;
  /** Learned days, as whole days of observed hours (a day seen for 12 h counts half). The
   *  deadline counts, per silence, the days that saw the hour it began in (deadline.ts). */
  learnedDays: number;
  /** The middle of the household's night (minute of day), learned from each day's longest
   *  silence, so the model does not depend on the configured time zone being right. */
  nightMidMin: number;
  /** 90th-percentile / latest morning first-use minute of the learned days, -1 when unknown. */
  usualFirstUseMin: number;
  latestFirstUseMin: number;
  /** Silences people confirmed were normal ("elder fine"), as [start, end, …] pairs; they age
   *  out with the history (learn.ts). */
  taught: number[];
  /** A gap across which the register proves no water was used does not end a silence for
   *  learning: [silence start, gap end], or empty. (The detector restarts its silence clock
   *  after any gap, as it must for alerting; the routine learns the whole silence.) Reused in
   *  place, never reallocated. */
  bridge: number[];
  /** Bumped whenever the learned history changes, to invalidate the cached verdict. */
  version: number;
  cache: { since: number; version: number; verdict: SilenceVerdict } | null;
}

export const createRoutine = (): RoutineState => ({
  days: createRoutineDays(),
  learnedDays: 0,
  nightMidMin: DEFAULT_NIGHT_MID_MIN,
  usualFirstUseMin: -1,
  latestFirstUseMin: -1,
  taught: [],
  bridge: [],
  version: 0,
  cache: null,
});

/** Index of the current day's record (-1 before the first interval). */
const curIndex = (r: RoutineState): number => dayCount(r.days) - 1;
/** Days before the current one (the learned history). */
export const historyLength = (r: RoutineState): number => Math.max(0, dayCount(r.days) - 1);

/** Learned days that saw local hour `hour` (the sample size of a silence that began then). */
export const comparableDays = (r: RoutineState, hour: number): number => comparableDayCount(r.days, hour);

/** Every silence of the learned days that saw local hour `hour`, oldest first: the precedents
 *  of a silence that began in that hour. */
export const forEachSilence = (r: RoutineState, hour: number, fn: (start: number, end: number) => void): void => forEachLearnedSilence(r.days, hour, fn);

/** A silence at least this long ending in the morning marks the first use after the night. */
const NIGHT_SILENCE = 3 * HOUR;
/** Shorter silences never decide a deadline (the minimum threshold is longer); not kept. */
const RECORD_MIN = 30 * MINUTE;
/** A day with less data than this (a long outage) does not teach the night and the morning
 *  (its longest silence may be a gap's leftover). Its silences are still precedents for the
 *  hours it saw. (Counting half-observed days as whole days raised false alarms on the DAIAD
 *  homes, 0.70 → 1.11 per household-month; excluding them threw gappy homes back to the 12 h
 *  backstop for weeks at a time, a quarter of their false alarms.) */
const MIN_OBSERVED = 20 * HOUR;
/** Middle of the night until one is learned (03:00). */
const DEFAULT_NIGHT_MID_MIN = 3 * 60;
/** The first use of the morning ends a long silence within this long after the middle of the night. */
const MORNING_SPAN_MIN = 9 * 60;

export function excludeToday(r: RoutineState): void {
  const cur = curIndex(r);
  if (cur >= 0 && !isExcluded(r.days, cur)) {
    setExcluded(r.days, cur);
    r.version++;
  }
}

/**
 * Fold one interval of meter data (t0, t1] into the model. `silenceStart` is when water
 * was last used before this interval; `used` says whether the interval ended that silence.
 * `known` is false when the interval is a long gap with use somewhere inside it.
 */
export function observe(
  r: RoutineState,
  t0: number,
  t1: number,
  silenceStart: number,
  used: boolean,
  known: boolean,
  cfg: DetectorConfig,
): void {
  const off = cfg.utcOffsetMinutes;
  const day = dayIndex(t1, off);
  const s = r.days;
  if (curIndex(r) < 0 || dayNo(s, curIndex(r)) !== day) rollDay(r, day, cfg);
  const cur = curIndex(r);
  const cap = cfg.noUsage.learnCapMs;
  // The silence as the routine knows it: bridged across gaps without use.
  const b = r.bridge;
  const from = b.length && (silenceStart === b[1] || silenceStart === b[0]) ? b[0]! : silenceStart;
  if (!known) {
    if (used) {
      // Use somewhere in the gap: the silence before it lasted at least until the gap began.
      b.length = 0;
      if (t0 - from >= RECORD_MIN && t0 - from < cap) {
        const rec = recordOf(r, dayIndex(from, off));
        if (rec >= 0) pushSilence(s, rec, from, t0);
      }
      return;
    }
    b[0] = from;
    b[1] = t1;
    cover(r, t0, t1, off);
    if (t1 - from >= cap && !isExcluded(s, cur)) excludeSince(r, from, cfg);
    return;
  }
  addObserved(s, cur, t1 - t0);
  cover(r, t0, t1, off);
  const silence = t1 - from;
  if (silence >= cap) {
    if (!isExcluded(s, cur)) excludeSince(r, from, cfg);
    if (used) b.length = 0;
    return;
  }
  if (!used) return;
  b.length = 0;
  silenceStart = from;
  if (silence >= RECORD_MIN) {
    const rec = recordOf(r, dayIndex(silenceStart, off));
    if (rec >= 0) pushSilence(s, rec, silenceStart, t1);
  }
  if (silence >= NIGHT_SILENCE) {
    pushLongEnd(s, cur, minuteOfDay(t1, off));
    if (silence > longestMs(s, cur)) setLongest(s, cur, silence, minuteOfDay(silenceStart + silence / 2, off));
  }
}

/** Mark the hours of (t0, t1] observed, on each day it touches that is still kept. */
function cover(r: RoutineState, t0: number, t1: number, off: number): void {
  const last = dayIndex(t1, off);
  for (let day = Math.max(dayIndex(t0, off), last - 60); day <= last; day++) {
    const rec = recordOf(r, day);
    if (rec >= 0) setObservedHours(r.days, rec, coverHours(observedHours(r.days, rec), day, t0, t1, off));
  }
}

/** The record of `day` (the current one or a learned one), -1 when it is not kept. */
function recordOf(r: RoutineState, day: number): number {
  for (let i = curIndex(r); i >= 0; i--) if (dayNo(r.days, i) === day) return i;
  return -1;
}

/**
 * An absence-length silence is not routine, and neither is its start: a trip that began at
 * 15:00 yesterday must not teach that 9-hour evening silences are normal.
 */
function excludeSince(r: RoutineState, silenceStart: number, cfg: DetectorConfig): void {
  const first = dayIndex(silenceStart, cfg.utcOffsetMinutes);
  const cur = curIndex(r);
  if (cur >= 0) setExcluded(r.days, cur);
  for (let i = 0; i < cur; i++) if (dayNo(r.days, i) >= first) setExcluded(r.days, i);
  recompute(r);
}

function rollDay(r: RoutineState, day: number, cfg: DetectorConfig): void {
  const s = r.days;
  const done = curIndex(r);
  pushDay(s, day);
  if (done < 0) return;
  while (historyLength(r) > cfg.historyDays) dropOldestDay(s);
  // Taught silences age out with the days they began on.
  const oldest = dayNo(s, 0);
  while (r.taught.length && dayIndex(r.taught[0]!, cfg.utcOffsetMinutes) < oldest) r.taught.splice(0, 2);
  recompute(r);
}

function recompute(r: RoutineState): void {
  r.version++;
  const s = r.days;
  const days: number[] = []; // learned days of the history observed nearly whole
  let hours = 0;
  for (let i = 0, n = historyLength(r); i < n; i++) {
    if (isExcluded(s, i)) continue;
    hours += popcount24(observedHours(s, i));
    // The night and the morning from the days observed nearly whole.
    if (observedMs(s, i) >= MIN_OBSERVED) days.push(i);
  }
  r.learnedDays = Math.floor(hours / 24);
  const nights = days.filter((i) => longestMs(s, i) >= NIGHT_SILENCE);
  r.nightMidMin = nights.length >= 3 ? circularMeanMin(nights.map((i) => longestMidMin(s, i))) : DEFAULT_NIGHT_MID_MIN;
  // Each day's first use after the night: the first long silence ending in the morning span.
  const mid = r.nightMidMin;
  const firsts: number[] = []; // minutes after the middle of the night
  for (const i of days) {
    const rel = findLongEnd(s, i, (m) => {
      const x = afterMin(m, mid);
      return x > 0 && x <= MORNING_SPAN_MIN ? x : undefined;
    });
    if (rel !== undefined) firsts.push(rel);
  }
  firsts.sort((x, y) => x - y);
  const enough = firsts.length >= 3;
  const clock = (rel: number) => (mid + rel) % 1440;
  r.usualFirstUseMin = enough ? clock(firsts[Math.min(firsts.length - 1, Math.floor(firsts.length * 0.9))]!) : -1;
  r.latestFirstUseMin = enough ? clock(firsts[firsts.length - 1]!) : -1;
}
