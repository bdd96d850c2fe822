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
import { circularMeanMin } from './night.ts';
import { HOUR, MINUTE, afterMin, dayIndex, minuteOfDay } from './time.ts';

interface DayRecord {
  day: number;
  /** Completed silences that began this local day, as [start, end, start, end, …] (epoch ms). */
  silences: number[];
  /** Data time covered by readings without a gap (ms). */
  observedMs: number;
  /** The longest silence that ended this day (usually the night): length and midpoint minute. */
  longestMs: number;
  longestMidMin: number;
  /** Minute of day at which each silence of at least NIGHT_SILENCE that ended this day ended. */
  longEnds: number[];
  /** Not learned: away, an absence-length silence, or too little data. (A day that raised
   *  no-usage stays learnable: a silence that ended normally was the household's own.) */
  excluded: boolean;
}

export interface RoutineState {
  cur: DayRecord | null;
  history: DayRecord[];
  /** Learned days (not excluded); thresholds are learned once this reaches minHistoryDays. */
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
  version: 0,
  cache: null,
});

const newDay = (day: number): DayRecord => ({ day, silences: [], observedMs: 0, longestMs: 0, longestMidMin: 0, longEnds: [], excluded: false });

/** A silence at least this long ending in the morning marks the first use after the night. */
const NIGHT_SILENCE = 3 * HOUR;
/** Shorter silences never decide a deadline (the minimum threshold is longer); not kept. */
const RECORD_MIN = 30 * MINUTE;
/** A day with less data than this (a long outage) is not learned. (Measured on the real DAIAD
 *  homes, which drop readings for hours hundreds of times a year: learning from half-observed
 *  days, 12 h, raised false alarms from 0.70 to 1.11 per household-month and gained no delay.) */
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
  if (!known) return;
  cur.observedMs += t1 - t0;
  const silence = t1 - silenceStart;
  if (silence >= cfg.noUsage.learnCapMs) {
    if (!cur.excluded) excludeSince(r, silenceStart, cfg);
    return;
  }
  if (!used) return;
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
  if (done.observedMs < MIN_OBSERVED) done.excluded = true;
  r.history.push(done);
  while (r.history.length > cfg.historyDays) r.history.shift();
  // Taught silences age out with the days they began on.
  const oldest = r.history[0]!.day;
  while (r.taught.length && dayIndex(r.taught[0]!, cfg.utcOffsetMinutes) < oldest) r.taught.splice(0, 2);
  recompute(r);
}

function recompute(r: RoutineState): void {
  r.version++;
  const days = r.history.filter((d) => !d.excluded);
  r.learnedDays = days.length;
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
