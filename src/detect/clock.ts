// Meter clocks, estimated from arrivals. A reading cannot be taken after it arrives, so
// `ts − arrival` above zero is the meter clock running fast by at least that much; the freshest
// reading of a message is normally taken just before it is sent, so the largest lag over recent
// messages estimates the offset (the second largest once there are a few, so one corrupt
// timestamp does not move it). A lag below zero is also what batching and latency look like; it
// is taken for a slow clock only when even the freshest reading is older than a whole delivery
// interval (no batching explains that).
//
// A clock too far off to correct (beyond clock.maxCorrectionMs: an RTC reset to its firmware
// date by a battery swap, a wrong time zone pushed by the carrier) leaves every reading late or
// in the future: all are discarded while each arrival still proves the meter alive, so the home
// would be unwatched with nothing said. farClockMs recognises it, so that it is said.
import type { DetectorConfig } from './config.ts';
import type { DeliveryState } from './delivery.ts';
import { numAt, numsLength } from './nums.ts';
import { HOUR } from './time.ts';

export function updateOffset(s: DeliveryState, dataCadenceMs: number, cfg: DetectorConfig): void {
  // Robust maximum of the lags: the largest while few are known, else the second largest.
  let a = s.msgLag;
  let b = -Infinity;
  const lags = s.lags;
  const n = numsLength(lags);
  for (let i = 0; i < n; i++) {
    const x = numAt(lags, i);
    if (x > a) (b = a), (a = x);
    else if (x > b) b = x;
  }
  const top = n + 1 < 4 ? a : b;
  const c = cfg.clock.correctAboveMs;
  let est = 0;
  if (top > c) est = top;
  else if (top < -(Math.max(s.intervalMs, dataCadenceMs) + c)) {
    // Readings behind arrival are either a slow clock or a backlog being uploaded (a meter
    // back after hours offline sends hours of readings in a burst, whose lags climb towards
    // zero). Only a steady lag, the same on several messages, is a clock to correct; while the
    // lags disagree the estimate stays where it was (moving it would push the rest of a
    // backlog into the future, where it is dead-lettered as implausible).
    let lo = s.msgLag;
    for (let i = 0; i < n; i++) if (numAt(lags, i) < lo) lo = numAt(lags, i);
    const steady = n + 1 >= 4 && top - lo <= c + dataCadenceMs;
    est = steady ? top : s.offsetMs;
  }
  if (Math.abs(est) > cfg.clock.maxCorrectionMs) est = 0;
  if (Math.abs(est - s.offsetMs) > c / 2) s.offsetMs = Math.round(est / 1000) * 1000;
}

const beyondCorrection = (lag: number, cfg: DetectorConfig): boolean => Math.abs(lag) > cfg.clock.maxCorrectionMs;

/** The current message's lag was set or grew: start or end the run of messages too far off. */
export function noteFarLag(s: DeliveryState, cfg: DetectorConfig): void {
  if (!beyondCorrection(s.msgLag, cfg)) s.farFrom = NaN;
  else if (Number.isNaN(s.farFrom)) s.farFrom = s.msgAt;
}

/** Messages in a row, and arrival time they span, before a far-off clock is believed. */
const FAR_MESSAGES = 4;
const FAR_SPAN_MS = HOUR;

/**
 * The meter clock's offset when it is too far off to correct (0 when it is not): the latest
 * FAR_MESSAGES messages or more, over at least FAR_SPAN_MS of arrivals, all lagged beyond
 * clock.maxCorrectionMs by the same amount (within what batching explains). A backlog uploaded
 * after days offline has lags that climb towards zero as it catches up, so over an hour of
 * arrivals they are never steady; a clock that is wrong keeps the same lag however long it runs.
 */
export function farClockMs(s: DeliveryState, dataCadenceMs: number, cfg: DetectorConfig): number {
  if (Number.isNaN(s.farFrom) || s.msgAt - s.farFrom < FAR_SPAN_MS) return 0;
  let lo = s.msgLag;
  let hi = s.msgLag;
  let run = 1;
  for (let i = numsLength(s.lags) - 1; i >= 0; i--) {
    const x = numAt(s.lags, i);
    if (!beyondCorrection(x, cfg) || Math.sign(x) !== Math.sign(s.msgLag)) break;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    run++;
  }
  const steady = hi - lo <= cfg.clock.correctAboveMs + Math.max(s.intervalMs, dataCadenceMs);
  return run >= FAR_MESSAGES && steady ? hi : 0;
}
