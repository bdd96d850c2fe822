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
import type { DetectorConfig } from './config.ts';

export interface HeartbeatState {
  /** Running means of ln(gap in minutes) before still and before moving readings, in
   *  thousandths (whole numbers: small integers cost no heap box per meter, issue 12.4), and
   *  how many of each have been seen (capped: only "enough" matters). */
  stillLogMilli: number;
  moveLogMilli: number;
  stillSeen: number;
  moveSeen: number;
}

/** Weight of the newest gap in the running means (about the last ten count). */
const ALPHA = 0.1;
/** Still readings seen before a meter is taken to report on change. */
const MIN_STILL = 3;
/** ln 4: still readings at least four times further apart than moving ones. */
const RATIO_LOG_MILLI = Math.round(1000 * Math.log(4));

const mix = (mean: number, seen: number, x: number): number => (seen === 0 ? x : Math.round(mean + ALPHA * (x - mean)));

/** One interval of data, `gapMs` long, in which the register moved (`moved`) or not. Gaps longer
 *  than a meter with no known pattern is waited for are outages, not part of the pattern. */
export function noteDataGap(h: HeartbeatState, gapMs: number, moved: boolean, cfg: DetectorConfig): void {
  if (!(gapMs > 0) || gapMs > cfg.offline.unlearnedMs) return;
  const x = Math.round(1000 * Math.log(gapMs / 60_000));
  if (moved) {
    h.moveLogMilli = mix(h.moveLogMilli, h.moveSeen, x);
    if (h.moveSeen < 1) h.moveSeen++;
  } else {
    h.stillLogMilli = mix(h.stillLogMilli, h.stillSeen, x);
    if (h.stillSeen < MIN_STILL) h.stillSeen++;
  }
}

/** The meter's heartbeat in ms when it reports on change, else NaN. */
export function heartbeatMs(h: HeartbeatState): number {
  if (h.stillSeen < MIN_STILL || h.moveSeen < 1 || h.stillLogMilli - h.moveLogMilli < RATIO_LOG_MILLI) return NaN;
  return Math.round(Math.exp(h.stillLogMilli / 1000) * 60_000);
}

/** The offline span of a delivery pattern, widened for a report-on-change meter's heartbeat. */
export function withHeartbeat(spanMs: number, h: HeartbeatState, cfg: DetectorConfig): number {
  const beat = heartbeatMs(h);
  return Number.isNaN(beat) ? spanMs : Math.max(spanMs, Math.min(cfg.offline.intervals * beat, cfg.offline.unlearnedMs));
}
