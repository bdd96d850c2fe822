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

const mix = (mean: number, seen: number, x: number): number => (seen === 0 ? x : Math.round(mean + ALPHA * (x - mean)));

/** One interval of data, `gapMs` long, in which the register moved (`moved`) or not, on a meter
 *  whose shortest recent reading gap before this one is `stepMs` (Infinity: none yet). Gaps
 *  longer than a meter with no known pattern is waited for are outages, not part of the pattern. */
export function noteDataGap(h: HeartbeatState, gapMs: number, moved: boolean, stepMs: number, cfg: DetectorConfig): void {
  if (!(gapMs > 0) || gapMs > cfg.offline.unlearnedMs) return;
  const x = Math.round(1000 * Math.log(gapMs / 60_000));
  if (moved) {
    h.moveLogMilli = mix(h.moveLogMilli, h.moveSeen, x);
    if (h.moveSeen < MOVES_DECIDE) h.moveSeen++;
    if (Number.isFinite(stepMs) && gapMs > GAP_STEPS * stepMs) h.gappedMoves++;
  } else {
    h.stillLogMilli = mix(h.stillLogMilli, h.stillSeen, x);
    if (h.stillSeen < MIN_STILL) h.stillSeen++;
    if (Number.isFinite(stepMs) && gapMs <= 1.5 * stepMs) h.shortStills++;
  }
  if (h.gappedMoves > COUNT_CAP || h.shortStills > COUNT_CAP) {
    h.gappedMoves >>= 1;
    h.shortStills >>= 1;
  }
}

/** Moves after gaps with no still readings at the cadence: reports on change (or may). */
const gapsSayOnChange = (h: HeartbeatState): boolean => h.gappedMoves >= MIN_GAPPED_MOVES && h.shortStills <= STILLS_PER_GAPPED_MOVE * h.gappedMoves;

/** The meter's heartbeat in ms when it reports on change, else NaN. */
export function heartbeatMs(h: HeartbeatState): number {
  if (h.moveSeen < 1 || h.stillSeen < 1) return NaN;
  if (!gapsSayOnChange(h) && (h.stillSeen < MIN_STILL || h.stillLogMilli - h.moveLogMilli < RATIO_LOG_MILLI)) return NaN;
  return Math.round(Math.exp(h.stillLogMilli / 1000) * 60_000);
}

/** The offline span of a delivery pattern, widened for a report-on-change meter's heartbeat
 *  (or, while its heartbeat is not yet seen, to that of a meter with no known pattern). */
export function withHeartbeat(spanMs: number, h: HeartbeatState, cfg: DetectorConfig): number {
  const beat = heartbeatMs(h);
  if (Number.isNaN(beat)) return h.shortStills === 0 && (h.moveSeen < MOVES_DECIDE || gapsSayOnChange(h)) ? Math.max(spanMs, cfg.offline.unlearnedMs) : spanMs;
  return Math.max(spanMs, Math.min(cfg.offline.intervals * beat, cfg.offline.unlearnedMs));
}
