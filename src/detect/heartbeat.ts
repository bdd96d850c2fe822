// Report-on-change meters: many LoRa and NB-IoT meters send a reading only when the register
// has moved, and a heartbeat (the same register value) every hour or few hours when it has not.
// Their silences are not outages: while nobody uses water they are silent until the heartbeat.
// Such a meter shows itself in its data: a reading whose register did not move comes a long
// time after the previous one (a heartbeat), a reading that moved comes soon after it, where a
// fixed-cadence meter's readings come one cadence apart whether or not water was used. So the
// typical gap before still readings is compared with the typical gap before moving ones (each a
// running mean of log-gaps, so one long outage does not decide it); when still readings come at
// least 4 times further apart, the meter reports on change and is offline only after
// `offline.intervals` heartbeats (never longer than a meter with no known pattern).
//
// A long heartbeat (6 h) shows few still readings: a household that uses water every few hours
// gave one a day, and three took five days, while the meter "usually reporting every 15 min"
// was offline after every idle hour. The other sign comes sooner: a fixed-cadence meter sends
// its still intervals too, so readings that moved after a gap of several intervals with no
// still reading at the cadence in between are what only a report-on-change meter (or a lost
// upload) shows. Lost uploads also leave the still readings at the cadence (every night has
// them); a meter with many moves after gaps and (almost) no still reading at the cadence is
// taken to report on change from its first still reading on. Until a meter has sent a still
// reading one interval after another (a fixed-cadence one does at its first dry interval) it is
// undecided and waited for as a meter with no known pattern (it may beat every few hours): on
// its first day a 6 h report-on-change meter was otherwise offline after every idle hour.
import type { DetectorConfig } from './config.ts';

export interface HeartbeatState {
  /** Running means of ln(gap in minutes) before still and before moving readings, in
   *  thousandths (whole numbers: small integers cost no heap box per meter, issue 12.4), and
   *  how many of each have been seen (capped: only "enough" matters). */
  stillLogMilli: number;
  moveLogMilli: number;
  stillSeen: number;
  moveSeen: number;
  /** Moving readings after a gap of more than GAP_STEPS data intervals, and still readings one
   *  interval after the previous one (both halved together past COUNT_CAP: recent behaviour). */
  gappedMoves: number;
  shortStills: number;
  /** The meter's reading step as seen by these tests: a low quantile (about the 5th percentile)
   *  of its reading gaps, ln(minutes) in thousandths, and how many gaps went into it (capped). */
  stepLogMilli: number;
  stepSeen: number;
  /** Running mean of |ln(still gap) − stillLogMilli|, thousandths: how regular the still readings are. */
  stillDevMilli: number;
  /** The last gap the step estimate came down to (ln minutes, thousandths), and the running mean
   *  of how far gaps fall from a whole number of it (0 … 0.5, thousandths). */
  gridLogMilli: number;
  gridDevMilli: number;
}

/** Weight of the newest gap in the running means (about the last ten count). */
const ALPHA = 0.1;
/** Still readings seen before a meter is taken to report on change (without the gap evidence). */
const MIN_STILL = 3;
/** ln 4: still readings at least four times further apart than moving ones. */
const RATIO_LOG_MILLI = Math.round(1000 * Math.log(4));
/** A gap longer than this many data intervals is one a fixed-cadence meter fills with readings. */
const GAP_STEPS = 2.5;
/** Moves after gaps needed, and at most one still reading at the cadence per this many of them. */
const MIN_GAPPED_MOVES = 4;
const STILLS_PER_GAPPED_MOVE = 1 / 8;
const COUNT_CAP = 64;
/** A meter that sent this many moving readings and no still one at all reports at a fixed
 *  cadence (busy, or leaking); before, it may report on change (undecided: see withHeartbeat). */
const MOVES_DECIDE = 48;

/** The step estimate: the shortest of the first STEP_WARM gaps (as the caller's recent minimum),
 *  then a quantile tracker — down STEP_DOWN on a shorter gap, up STEP_UP on any other, so it
 *  settles where STEP_UP / (STEP_UP + STEP_DOWN) ≈ 5 % of the gaps are shorter. Not the shortest
 *  recent gap: a report-on-change meter's night of hourly heartbeats made that the heartbeat,
 *  so every heartbeat looked like a fixed cadence's still reading (false offline after every
 *  night); and a 1-minute meter whose stamps jitter by ±30 s has a shortest gap of seconds. */
const STEP_WARM = 9;
const STEP_DOWN = 190;
const STEP_UP = 10;
/** stepSaysOnChange: still readings at least 3 steps apart, and 1.5 × as far apart as moving ones. */
const STEP_RATIO_LOG_MILLI = Math.round(1000 * Math.log(3));
const STILL_OVER_MOVE_LOG_MILLI = Math.round(1000 * Math.log(1.5));
/** Still gaps typically within about ±20 % of their mean (a timer's heartbeat). */
const STILL_DEV_MAX_MILLI = 200;
/** Gaps typically within 0.15 step of a whole number of steps (jittered stamps: about 0.25). */
const GRID_DEV_MAX_MILLI = 150;
/** ln 1.03: a gap 3 % shorter than the grid is a new grid. */
const GRID_SLACK_MILLI = 30;
/** ln(0.5 min): a grid of at least 30 s. */
const GRID_MIN_LOG_MILLI = Math.round(1000 * Math.log(0.5));

const mix = (mean: number, seen: number, x: number): number => (seen === 0 ? x : Math.round(mean + ALPHA * (x - mean)));

/** One interval of data, `gapMs` long, in which the register moved (`moved`) or not, on a meter
 *  whose shortest recent reading gap before this one is `recentMinMs` (Infinity: none yet). Gaps
 *  longer than a meter with no known pattern is waited for are outages, not part of the pattern. */
export function noteDataGap(h: HeartbeatState, gapMs: number, moved: boolean, recentMinMs: number, cfg: DetectorConfig): void {
  if (!(gapMs > 0) || gapMs > cfg.offline.unlearnedMs) return;
  const x = Math.round(1000 * Math.log(gapMs / 60_000));
  const stepMs = h.stepSeen < STEP_WARM ? recentMinMs : Math.exp(h.stepLogMilli / 1000) * 60_000;
  if (h.stepSeen === 0) h.stepLogMilli = x;
  else if (h.stepSeen < STEP_WARM) h.stepLogMilli = Math.min(h.stepLogMilli, x);
  else {
    // How far this gap is from a whole number of grid steps (a gap under half a step: as far as can be).
    const r = gapMs / (Math.exp(h.gridLogMilli / 1000) * 60_000);
    h.gridDevMilli = mix(h.gridDevMilli, 1, r < 0.5 ? 500 : Math.round(1000 * Math.abs(r - Math.round(r)))); // seen 1: from 0 on
    // Never below the gap itself: on a meter that reads on a grid the step stays on it.
    if (x < h.stepLogMilli) h.stepLogMilli = Math.max(h.stepLogMilli - STEP_DOWN, x);
    else h.stepLogMilli += STEP_UP;
  }
  // The grid: the last gap the step came down to (the step itself creeps up between them), or
  // any gap shorter than the grid (a meter learning its step comes down in several moves).
  if (h.stepLogMilli === x || !(x >= h.gridLogMilli - GRID_SLACK_MILLI)) h.gridLogMilli = x;
  if (h.stepSeen < STEP_WARM) h.stepSeen++;
  // A gap far shorter than the step: the still readings counted as "one step after another" came
  // several real steps apart (a report-on-change meter installed at night sent only heartbeats).
  if (gapMs * GAP_STEPS < stepMs) h.shortStills = 0;
  if (moved) {
    h.moveLogMilli = mix(h.moveLogMilli, h.moveSeen, x);
    if (h.moveSeen < MOVES_DECIDE) h.moveSeen++;
    if (Number.isFinite(stepMs) && gapMs > GAP_STEPS * stepMs) h.gappedMoves++;
  } else {
    h.stillDevMilli = h.stillSeen === 0 ? 0 : mix(h.stillDevMilli, h.stillSeen, Math.abs(x - h.stillLogMilli));
    h.stillLogMilli = mix(h.stillLogMilli, h.stillSeen, x);
    if (h.stillSeen < MIN_STILL) h.stillSeen++;
    if (Number.isFinite(stepMs) && gapMs <= 1.5 * stepMs) h.shortStills++;
  }
  if (h.gappedMoves > COUNT_CAP || h.shortStills > COUNT_CAP) {
    h.gappedMoves >>= 1;
    h.shortStills >>= 1;
  }
}

/** The meter's gaps fall on whole steps (its stamps are not jittered): only then do gaps counted
 *  in steps say anything. A fixed 1-minute meter whose stamps jitter by ±30 s shows "moves after
 *  gaps of 2.5 steps" all day, and during a leak no still reading at all. A grid under 30 s is
 *  none: whole-second stamps whose jitter left two a second apart fall on a 1 s grid, and no
 *  meter reports on change every few seconds. */
const onGrid = (h: HeartbeatState): boolean => h.stepSeen >= STEP_WARM && h.gridDevMilli <= GRID_DEV_MAX_MILLI && h.gridLogMilli >= GRID_MIN_LOG_MILLI;

/** Moves after gaps with no still readings at the cadence: reports on change (or may). */
const gapsSayOnChange = (h: HeartbeatState): boolean =>
  h.gappedMoves >= MIN_GAPPED_MOVES && h.shortStills <= STILLS_PER_GAPPED_MOVE * h.gappedMoves && (h.stepSeen < STEP_WARM || onGrid(h));

/** Still readings at least four times further apart than moving ones — on a meter whose gaps
 *  fall on its step, or whose still readings come regularly (a heartbeat timer on a meter that
 *  stamps its moves when they happen). Not on a jittered fixed meter: during a leak its moving
 *  gaps of a second or two pull the moves' mean down past the still one. */
const ratioSaysOnChange = (h: HeartbeatState): boolean =>
  h.stillLogMilli - h.moveLogMilli >= RATIO_LOG_MILLI && (h.stepSeen < STEP_WARM || onGrid(h) || h.stillDevMilli <= STILL_DEV_MAX_MILLI);

/** Still readings at a regular interval three times the meter's reading step, and further apart
 *  than its moving readings: what a pulse register's heartbeats look like. A 10 L register
 *  moves only every few readings even in use, so its moving readings come after gaps too and
 *  the still-to-moving ratio alone stays about 2. Regular: a fixed meter whose stamps jitter
 *  by ±30 s or more has a low quantile of seconds and still gaps spread over minutes. */
const stepSaysOnChange = (h: HeartbeatState): boolean =>
  onGrid(h) &&
  h.stillDevMilli <= STILL_DEV_MAX_MILLI &&
  h.stillLogMilli - h.stepLogMilli >= STEP_RATIO_LOG_MILLI &&
  h.stillLogMilli - h.moveLogMilli >= STILL_OVER_MOVE_LOG_MILLI;

/** The meter's heartbeat in ms when it reports on change, else NaN. */
export function heartbeatMs(h: HeartbeatState): number {
  if (h.moveSeen < 1 || h.stillSeen < 1) return NaN;
  if (!gapsSayOnChange(h) && (h.stillSeen < MIN_STILL || (!ratioSaysOnChange(h) && !stepSaysOnChange(h)))) return NaN;
  return Math.round(Math.exp(h.stillLogMilli / 1000) * 60_000);
}

/** The offline span of a delivery pattern, widened for a report-on-change meter's heartbeat
 *  (or, while its heartbeat is not yet seen, to that of a meter with no known pattern). */
export function withHeartbeat(spanMs: number, h: HeartbeatState, cfg: DetectorConfig): number {
  const beat = heartbeatMs(h);
  if (Number.isNaN(beat)) return h.shortStills === 0 && (h.moveSeen < MOVES_DECIDE || gapsSayOnChange(h)) ? Math.max(spanMs, cfg.offline.unlearnedMs) : spanMs;
  return Math.max(spanMs, Math.min(cfg.offline.intervals * beat, cfg.offline.unlearnedMs));
}
