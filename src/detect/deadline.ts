// The no-usage deadline of one silence: when it stops being normal for this household.
// Precedents are the learned silences that were under way at the same time of day (or began
// up to precedentAfterMs later); the deadline is the latest one's end plus a margin. A silence
// that runs into the night is held to the latest first use of the morning. See routine.ts.
import type { DetectorConfig } from './config.ts';
import { comparableDays, forEachSilence, type RoutineState } from './routine.ts';
import { DAY, MINUTE, afterMin, minuteOfDay } from './time.ts';

export interface SilenceVerdict {
  /** Data time at which the silence becomes improbable for this household. */
  deadline: number;
  learned: boolean;
  /** Latest end of a comparable past silence, mapped onto this silence's timeline (NaN: none). */
  precedentEnd: number;
  /** The earlier, lower-confidence check-in deadline (margins × checkIn.marginScale). */
  checkInDeadline: number;
  /** Learned days that saw the hour this silence began in (the precedents' sample size). */
  comparableDays: number;
}

/** Signed time-of-day difference a − b, in (−12 h, 12 h]. */
function clockDiff(a: number, b: number): number {
  const d = (((a - b) % DAY) + DAY) % DAY;
  return d > DAY / 2 ? d - DAY : d;
}

const marginFor = (lengthMs: number, cfg: DetectorConfig): number =>
  cfg.noUsage.marginMs + Math.min(cfg.noUsage.marginFraction * Math.max(0, lengthMs), cfg.noUsage.marginFractionCapMs);

/**
 * Fewer comparable days, less confidence: today beats the longest of n past days with chance
 * about 1/(n+1), so a young model widens its margins (×2 at 7 days, ×1 from historyDays on).
 */
const youth = (n: number, cfg: DetectorConfig): number => Math.min(2, Math.sqrt(Math.max(1, cfg.historyDays / Math.max(1, n))));

/** The margin after a precedent that ends `lengthMs` after the silence began, with `n` comparable
 *  days (the confirmed deadline's; exported for the eval's delay split, eval/tools/diagnose-nu.ts). */
export const marginAfter = (lengthMs: number, n: number, cfg: DetectorConfig): number => youth(n, cfg) * marginFor(lengthMs, cfg);

/** No deadline is ever sooner than this after the silence began (callers skip short silences). */
export const soonestDeadlineMs = (cfg: DetectorConfig): number => Math.min(cfg.noUsage.minThresholdMs, cfg.noUsage.backstopMs, cfg.noUsage.hardCapMs);

/** When the silence that began at `since` stops being normal for this household. Cached per silence. */
export function deadlineFor(r: RoutineState, since: number, cfg: DetectorConfig): SilenceVerdict {
  if (r.cache && r.cache.since === since && r.cache.version === r.version) return r.cache.verdict;
  const verdict = computeDeadline(r, since, cfg);
  r.cache = { since, version: r.version, verdict };
  return verdict;
}

function computeDeadline(r: RoutineState, since: number, cfg: DetectorConfig): SilenceVerdict {
  const nu = cfg.noUsage;
  // The learned days usable as precedents: those that saw the hour the silence began in (a day
  // with a gap then says nothing about the hours it missed).
  const hour = Math.floor(minuteOfDay(since, cfg.utcOffsetMinutes) / 60);
  const n = comparableDays(r, hour);
  if (n < cfg.minHistoryDays) {
    const deadline = since + Math.min(nu.backstopMs, nu.hardCapMs);
    return { deadline, learned: false, precedentEnd: NaN, checkInDeadline: Math.min(deadline, since + nu.checkIn.backstopMs), comparableDays: n };
  }
  let end = NaN;
  // The check-in stage trusts less: the rank-th latest precedent end (a silence beyond the few
  // longest this household had at that time in 4 weeks is worth asking the elder about).
  const rank = nu.checkIn.precedentRank;
  const top: number[] = [];
  const consider = (start: number, stop: number) => {
    const diff = clockDiff(start, since);
    if (diff > nu.precedentAfterMs) return;
    const e = since + diff + (stop - start);
    if (!(e <= end)) end = e;
    if (top.length < rank || e > top[top.length - 1]!) {
      top.push(e);
      top.sort((a, b) => b - a);
      if (top.length > rank) top.pop();
    }
  };
  forEachSilence(r, hour, consider);
  // Silences people said were fine ("elder fine" answers, see learn.ts) are precedents too.
  const taught = r.taught;
  for (let i = 0; i < taught.length; i += 2) consider(taught[i]!, taught[i + 1]!);
  const deadline = withMargins(r, since, end, 1, r.latestFirstUseMin, n, cfg);
  const ciEnd = top.length >= rank ? top[rank - 1]! : top.length ? top[top.length - 1]! : NaN;
  const checkIn = Math.min(deadline, withMargins(r, since, ciEnd, nu.checkIn.marginScale, r.usualFirstUseMin, n, cfg));
  return { deadline, learned: true, precedentEnd: end, checkInDeadline: checkIn, comparableDays: n };
}

/** The deadline from the latest precedent's end with the margins scaled by `scale`. */
function withMargins(r: RoutineState, since: number, end: number, scale: number, firstUseMin: number, n: number, cfg: DetectorConfig): number {
  const nu = cfg.noUsage;
  const widen = youth(n, cfg) * scale;
  let deadline = Number.isNaN(end) ? since : end + widen * marginFor(end - since, cfg);
  const off = cfg.utcOffsetMinutes;
  const sinceRel = afterMin(minuteOfDay(since, off), r.nightMidMin);
  const beforeMorning = sinceRel < afterMin(firstUseMin, r.nightMidMin);
  if (firstUseMin >= 0 && (beforeMorning || crossesClock(since, deadline, r.nightMidMin, off))) {
    // A silence that normally lasts the night ends with the morning's first use: it is held to
    // the latest first use seen (check-in: the usual one) or a later precedent, plus the morning margin.
    const first = nextClock(since, firstUseMin, off);
    deadline = Math.max(first, Number.isNaN(end) ? first : end) + widen * nu.morningMarginMs;
  }
  return Math.min(since + nu.hardCapMs, Math.max(since + nu.minThresholdMs, deadline));
}

/** The first time after t whose local clock reads `minute`. */
function nextClock(t: number, minute: number, off: number): number {
  const now = minuteOfDay(t, off) * MINUTE + (t % MINUTE);
  let delta = minute * MINUTE - now;
  if (delta <= 0) delta += DAY;
  return t + delta;
}

const crossesClock = (from: number, to: number, minute: number, off: number): boolean => nextClock(from, minute, off) <= to;
