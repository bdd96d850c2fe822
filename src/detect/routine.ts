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
import { HOUR, MINUTE, afterMin, dayIndex, minuteOfDay } from './time.ts';

export interface DayRecord {
  day: number;
  /** Completed silences that began this local day, as [start, end, start, end, …] (epoch ms). */
  silences: number[];
  /** Data time covered by readings without a gap (ms). */
  observedMs: number;
  /** Bit h: local hour h was observed (coverage.ts). Precedents count among the days that saw the hour. */
  hours: number;
  /** The longest silence that ended this day (usually the night): length and midpoint minute. */
  longestMs: number;
  longestMidMin: number;
  /** Minute of day at which each silence of at least NIGHT_SILENCE that ended this day ended. */
  longEnds: number[];
  /** Not learned: away or an absence-length silence. (A day that raised no-usage stays
   *  learnable: a silence that ended normally was the household's own.) A day with gaps is
   *  learned for the hours it saw (`hours`); its night only when it has MIN_OBSERVED of data. */
  excluded: boolean;
}

export interface RoutineState {
  cur: DayRecord | null;
  history: DayRecord[];
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
   *  after any gap, as it must for alerting; the routine learns the whole silence.) */
  bridge: number[];
  /** Bumped whenever the learned history changes, to invalidate the cached verdict. */
  version: number;
  cache: { since: number; version: number; verdict: SilenceVerdict } | null;
}

export const createRoutine = (): RoutineState => ({
  cur: null,
  history: [],
  learnedDays: 0,
  nightMidMin: DEFAULT_NIGHT_MID_MIN,
  usualFirstUseMin: -1,
  latestFirstUseMin: -1,
  taught: [],
  bridge: [],
  version: 0,
  cache: null,
});

const newDay = (day: number): DayRecord => ({ day, silences: [], observedMs: 0, hours: 0, longestMs: 0, longestMidMin: 0, longEnds: [], excluded: false });

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
  if (r.cur && !r.cur.excluded) {
    r.cur.excluded = true;
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
  if (!r.cur || r.cur.day !== day) rollDay(r, day, cfg);
  const cur = r.cur!;
  // The silence as the routine knows it: bridged across gaps without use.
  const b = r.bridge;
  const from = b.length && (silenceStart === b[1] || silenceStart === b[0]) ? b[0]! : silenceStart;
  if (!known) {
    if (used) {
      // Use somewhere in the gap: the silence before it lasted at least until the gap began.
      r.bridge = [];
      if (t0 - from >= RECORD_MIN && t0 - from < cfg.noUsage.learnCapMs) recordOf(r, dayIndex(from, off))?.silences.push(from, t0);
      return;
    }
    r.bridge = [from, t1];
    cover(r, t0, t1, off);
    if (t1 - from >= cfg.noUsage.learnCapMs && !cur.excluded) excludeSince(r, from, cfg);
    return;
  }
  cur.observedMs += t1 - t0;
  cover(r, t0, t1, off);
  const silence = t1 - from;
  if (silence >= cfg.noUsage.learnCapMs) {
    if (!cur.excluded) excludeSince(r, from, cfg);
    if (used) r.bridge = [];
    return;
  }
  if (!used) return;
  r.bridge = [];
  silenceStart = from;
  if (silence >= RECORD_MIN) {
    const rec = recordOf(r, dayIndex(silenceStart, off));
    if (rec) rec.silences.push(silenceStart, t1);
  }
  if (silence >= NIGHT_SILENCE) {
    cur.longEnds.push(minuteOfDay(t1, off));
    if (silence > cur.longestMs) {
      cur.longestMs = silence;
      cur.longestMidMin = minuteOfDay(silenceStart + silence / 2, off);
    }
  }
}

/** Mark the hours of (t0, t1] observed, on each day it touches that is still kept. */
function cover(r: RoutineState, t0: number, t1: number, off: number): void {
  const last = dayIndex(t1, off);
  for (let day = Math.max(dayIndex(t0, off), last - 60); day <= last; day++) {
    const rec = recordOf(r, day);
    if (rec) rec.hours = coverHours(rec.hours, day, t0, t1, off);
  }
}

function recordOf(r: RoutineState, day: number): DayRecord | undefined {
  if (r.cur?.day === day) return r.cur;
  for (let i = r.history.length - 1; i >= 0; i--) if (r.history[i]!.day === day) return r.history[i];
  return undefined;
}

/**
 * An absence-length silence is not routine, and neither is its start: a trip that began at
 * 15:00 yesterday must not teach that 9-hour evening silences are normal.
 */
function excludeSince(r: RoutineState, silenceStart: number, cfg: DetectorConfig): void {
  const first = dayIndex(silenceStart, cfg.utcOffsetMinutes);
  if (r.cur) r.cur.excluded = true;
  for (const d of r.history) if (d.day >= first) d.excluded = true;
  recompute(r);
}

function rollDay(r: RoutineState, day: number, cfg: DetectorConfig): void {
  const done = r.cur;
  r.cur = newDay(day);
  if (!done) return;
  r.history.push(done);
  while (r.history.length > cfg.historyDays) r.history.shift();
  // Taught silences age out with the days they began on.
  const oldest = r.history[0]!.day;
  while (r.taught.length && dayIndex(r.taught[0]!, cfg.utcOffsetMinutes) < oldest) r.taught.splice(0, 2);
  recompute(r);
}

function recompute(r: RoutineState): void {
  r.version++;
  const kept = r.history.filter((d) => !d.excluded);
  let hours = 0;
  for (const d of kept) hours += popcount24(d.hours);
  r.learnedDays = Math.floor(hours / 24);
  // The night and the morning from the days observed nearly whole.
  const days = kept.filter((d) => d.observedMs >= MIN_OBSERVED);
  const nights = days.filter((d) => d.longestMs >= NIGHT_SILENCE);
  r.nightMidMin = nights.length >= 3 ? circularMeanMin(nights.map((d) => d.longestMidMin)) : DEFAULT_NIGHT_MID_MIN;
  // Each day's first use after the night: the first long silence ending in the morning span.
  const mid = r.nightMidMin;
  const firsts: number[] = []; // minutes after the middle of the night
  for (const d of days) {
    const rel = d.longEnds.map((m) => afterMin(m, mid)).find((x) => x > 0 && x <= MORNING_SPAN_MIN);
    if (rel !== undefined) firsts.push(rel);
  }
  firsts.sort((x, y) => x - y);
  const enough = firsts.length >= 3;
  const clock = (rel: number) => (mid + rel) % 1440;
  r.usualFirstUseMin = enough ? clock(firsts[Math.min(firsts.length - 1, Math.floor(firsts.length * 0.9))]!) : -1;
  r.latestFirstUseMin = enough ? clock(firsts[firsts.length - 1]!) : -1;
}
