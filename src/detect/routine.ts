// The household's routine, learned online: for every half-hour slot of the local day, the
// longest silence (time since water was last used) seen in that slot on each past day.
// "Silence now is longer than any this household has shown at this time of day, plus a
// margin" is the no-usage rule; before enough days are known a fixed backstop applies.
// It also keeps the morning first-use times, for explanations.
import type { DetectorConfig } from './config.ts';
import { HOUR, SLOTS_PER_DAY, SLOT_MS, dayIndex, dayStart, minuteOfDay } from './time.ts';

interface DayRecord {
  day: number;
  /** Longest silence seen in each slot (ms); -1 = not observed. */
  maxSilence: Float64Array;
  /** Minutes after local midnight of the first use after the night, or -1. */
  firstUseMin: number;
  /** Not learned: away, an alert condition, an absence-length silence, or too little data. */
  excluded: boolean;
}

export interface RoutineState {
  cur: DayRecord | null;
  history: DayRecord[];
  /** Cached per-slot thresholds (ms) or null while still learning; recomputed at day change. */
  thresholds: Float64Array | null;
  /** Cached 90th-percentile first-use minute, -1 when unknown. */
  usualFirstUseMin: number;
  /** Extra smoothing for coarse meters, whose silences are only known to the hour. */
  extraSmooth: number;
}

export const createRoutine = (): RoutineState => ({ cur: null, history: [], thresholds: null, usualFirstUseMin: -1, extraSmooth: 0 });

const newDay = (day: number): DayRecord => ({
  day,
  maxSilence: new Float64Array(SLOTS_PER_DAY).fill(-1),
  firstUseMin: -1,
  excluded: false,
});

/** A silence at least this long ending in the morning marks the first use after the night. */
const NIGHT_SILENCE = 3 * HOUR;
/** A day with fewer observed slots than this is not learned. */
const MIN_SLOTS_OBSERVED = 40;

export function excludeToday(r: RoutineState): void {
  if (r.cur) r.cur.excluded = true;
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
  let a = t0;
  while (a < t1) {
    const day = dayIndex(a + 1, off);
    if (!r.cur || r.cur.day !== day) rollDay(r, day, cfg);
    const slotEnd = dayStart(day, off) + (Math.floor((minuteOfDay(a + 1, off) * 60_000) / SLOT_MS) + 1) * SLOT_MS;
    const b = Math.min(slotEnd, t1);
    if (known) {
      const slot = Math.floor(minuteOfDay(a + 1, off) / 30);
      const s = b - silenceStart;
      const cur = r.cur!;
      if (s > cur.maxSilence[slot]!) cur.maxSilence[slot] = s;
      if (s >= cfg.noUsage.learnCapMs && !cur.excluded) excludeSince(r, silenceStart, cfg);
    }
    a = b;
  }
  if (used && known && r.cur && r.cur.firstUseMin < 0 && t1 - silenceStart >= NIGHT_SILENCE) {
    const m = minuteOfDay(t1, off);
    if (m >= 180 && m < 720) r.cur.firstUseMin = m;
  }
}

/**
 * An absence-length silence is not routine, and neither is its start: a trip that began at
 * 15:00 yesterday must not teach that 9-hour evening silences are normal.
 */
function excludeSince(r: RoutineState, silenceStart: number, cfg: DetectorConfig): void {
  const first = dayIndex(silenceStart, cfg.utcOffsetMinutes);
  if (r.cur) r.cur.excluded = true;
  let changed = false;
  for (const d of r.history)
    if (d.day >= first && !d.excluded) {
      d.excluded = true;
      changed = true;
    }
  if (changed) recompute(r, cfg);
}

function rollDay(r: RoutineState, day: number, cfg: DetectorConfig): void {
  const done = r.cur;
  r.cur = newDay(day);
  if (!done) return;
  let seen = 0;
  for (const v of done.maxSilence) if (v >= 0) seen++;
  if (seen < MIN_SLOTS_OBSERVED) done.excluded = true;
  r.history.push(done);
  while (r.history.length > cfg.historyDays) r.history.shift();
  recompute(r, cfg);
}

function recompute(r: RoutineState, cfg: DetectorConfig): void {
  const days = r.history.filter((d) => !d.excluded);
  const firsts = days.map((d) => d.firstUseMin).filter((m) => m >= 0).sort((x, y) => x - y);
  r.usualFirstUseMin = firsts.length >= 3 ? firsts[Math.min(firsts.length - 1, Math.floor(firsts.length * 0.9))]! : -1;
  if (days.length < cfg.minHistoryDays) {
    r.thresholds = null;
    return;
  }
  const k = cfg.noUsage.smoothSlots + r.extraSmooth;
  const nu = cfg.noUsage;
  const out = new Float64Array(SLOTS_PER_DAY);
  for (let s = 0; s < SLOTS_PER_DAY; s++) {
    let longest = 0;
    for (const d of days)
      for (let j = -k; j <= k; j++) {
        const v = d.maxSilence[(s + j + SLOTS_PER_DAY) % SLOTS_PER_DAY]!;
        if (v > longest) longest = v;
      }
    // The proportional part covers jitter of short daytime silences; on a 9-hour night it
    // would add hours of delay to the morning check, hence the cap.
    const t = longest + nu.marginMs + Math.min(nu.marginFraction * longest, nu.marginFractionCapMs);
    out[s] = Math.min(nu.hardCapMs, Math.max(nu.minThresholdMs, t));
  }
  r.thresholds = out;
}

export interface SilenceVerdict {
  thresholdMs: number;
  learned: boolean;
}

/** The no-usage threshold in force at data time t. */
export function thresholdAt(r: RoutineState, t: number, cfg: DetectorConfig): SilenceVerdict {
  if (!r.thresholds) return { thresholdMs: Math.min(cfg.noUsage.backstopMs, cfg.noUsage.hardCapMs), learned: false };
  return { thresholdMs: r.thresholds[Math.floor(minuteOfDay(t, cfg.utcOffsetMinutes) / 30)]!, learned: true };
}

export const learnedDays = (r: RoutineState): number => r.history.filter((d) => !d.excluded).length;
