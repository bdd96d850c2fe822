// A cistern that tops itself up: a worn flapper lets it drain, and every 15–25 minutes, day and
// night, the fill valve adds about a litre (≈ 70 L a day, the commonest toilet leak). Each refill
// is a whole litre in one short interval, so it was "use": the silence never lasted 25 min and a
// fall in such a home was never found; and the intervals between refills are dry, so neither the
// leak rule nor the standing trickle (drip.ts) saw it. Two things tell it from a household:
// - its water comes in every hour, night and day: the lowest volume of any trailing hour over the
//   previous local day and today is the refills' background (a home without one is still for an
//   hour on most nights: 0). Credit accrues at that rate (RATE_SLACK over: the lowest hour holds
//   the fewest refills) up to CREDIT_MAX_L, and an interval's water drawn from it is not use;
// - the register never stands still for longer than a leak at the floor takes to move it a litre
//   (LUMP_STILL_MS): a streak of that for leak.maxWindowMs is a leak (flow-rules.ts).
// Only for meters read every 15 min or more often: an hourly interval holds 2–4 refills and a
// standing trickle's share covers them (drip.ts).
import type { FlowState } from './flow.ts';
import { HOUR, MINUTE } from './time.ts';

const NONE = -1;
/** Meters read at most this far apart can show the refills as lumps. */
export const REFILL_MAX_CADENCE_MS = 15 * MINUTE;
/** A refill is a top-up of 0.5–2 L; a flush is 6–9 L, and stays use. */
const CREDIT_MAX_L = 1.5;
/** The lowest trailing hour holds the fewest refills (2 of every 2–4 in an hour). */
const RATE_SLACK = 1.5;
/** A leak at the floor (0.04 L/min) moves the register a litre every 25 min; reading slack 5 min. */
export const LUMP_STILL_MS = 30 * MINUTE;
/** The lump streak is judged on meters read this often (a 15-minute interval hides 25 min of stillness). */
export const LUMP_MAX_CADENCE_MS = 5 * MINUTE;

/** A new local day: yesterday's lowest hour is kept, today's starts afresh. */
export function rollRefill(f: FlowState): void {
  f.refillPrevMl = f.refillDayMl;
  f.refillDayMl = NONE;
}

/** The lump streak, before the interval (t0, t1] of `liters` moves f.lastTickAt (the end of the
 *  last interval in which the register moved). */
export function noteLumps(f: FlowState, t0: number, t1: number, liters: number, gap: boolean, cadenceMs: number): void {
  if (gap || cadenceMs > LUMP_MAX_CADENCE_MS) {
    f.lumpFrom = NaN;
    return;
  }
  const tick = Number.isNaN(f.lastTickAt) ? t0 : f.lastTickAt;
  if (liters > 0) {
    if (Number.isNaN(f.lumpFrom) || t0 - tick > LUMP_STILL_MS) f.lumpFrom = t0;
  } else if (t1 - tick > LUMP_STILL_MS) f.lumpFrom = NaN;
}

/** Today's lowest trailing hour, from an interval ending at t1 whose trailing hour (`hourLiters`)
 *  the kept intervals cover from `hourFrom`. */
export function noteRefillHour(f: FlowState, t1: number, hourLiters: number, hourFrom: number, gap: boolean, cadenceMs: number): void {
  if (gap || cadenceMs > REFILL_MAX_CADENCE_MS || hourFrom > t1 - HOUR) return;
  const ml = Math.round(hourLiters * 1000);
  if (f.refillDayMl === NONE || ml < f.refillDayMl) f.refillDayMl = ml;
}

/** The refills' background rate in L/min beyond `trickleLpm` and a known leak's share: 0 unless
 *  water came in every trailing hour of the previous local day and of today so far. */
export function refillLpm(f: FlowState, trickleLpm: number): number {
  if (f.refillPrevMl <= 0) return 0;
  const low = (f.refillDayMl === NONE ? f.refillPrevMl : Math.min(f.refillPrevMl, f.refillDayMl)) / 1000 / 60;
  return Math.max(0, low - trickleLpm - f.baselineLpm);
}

/** Litres of this interval (`dtMs` long) that are the refills', drawn from the credit. */
export function drawRefill(f: FlowState, dtMs: number, liters: number, lpm: number): number {
  if (!(lpm > 0)) {
    f.refillCredit = 0;
    return 0;
  }
  f.refillCredit = Math.min(CREDIT_MAX_L, f.refillCredit + (lpm * RATE_SLACK * dtMs) / MINUTE);
  const taken = Math.min(f.refillCredit, Math.max(0, liters));
  f.refillCredit -= taken;
  return taken;
}

/** The lowest trailing hour of today (else yesterday), litres: the refills' own (NaN: none). */
export const lowestHourLiters = (f: FlowState): number => (f.refillDayMl !== NONE ? f.refillDayMl : f.refillPrevMl !== NONE ? f.refillPrevMl : NaN) / 1000;
