// A standing trickle: a dripping tap or a cistern valve that never quite closes, 0.5–2.4 L/h,
// below the leak rule's floor (leak.minLpm) and so never raised or subtracted as a leak. On an
// hourly meter it puts 0.5–2 L in every interval, and an interval with 0.5 L counted as use: the
// silence never began, and an elder incapacitated in such a home was never found (nor was any
// alert raised at all). The trickle is what the meter shows when nobody uses water, so it is
// learned as the lowest rate of any interval over the previous local day and today so far (a
// household that is at home leaves the tap dry for a while on most days: its trickle is 0), and
// an interval is use only when it holds twice the trickle's share and 0.5 L beyond it (on a
// stepped register, one step more). Rates are kept in whole mL/h (small integers: no heap box
// per meter, issue 12.4). eval/README.md "A standing trickle below the leak floor".
import type { FlowState } from './flow.ts';
import { trustedStepLiters } from './register-step.ts';
import { MINUTE } from './time.ts';

/** Intervals longer than this do not say what flows when nobody uses water (a household uses
 *  some in most 4-hour spans). */
const DRIP_MAX_SPAN_MS = 2 * 60 * MINUTE;
const NONE = -1;

/** A new local day: yesterday's lowest rate is kept, today's starts afresh. */
export function rollDrip(f: FlowState): void {
  f.dripPrevMlh = f.dripDayMlh;
  f.dripDayMlh = NONE;
}

/** The register's step when it counts in whole litres or coarser (0: finer, or not known yet). */
export const dripStepL = (f: FlowState): number => {
  const l = trustedStepLiters(f);
  return l >= 1 ? l : 0;
};

/** A register in whole litres or coarser shows a trickle as single steps all day and night, never
 *  still for long: only when its longest stillness of a day or two is this short is its lowest
 *  rate taken for a trickle (a home without one is still for a night: 6 h and more). */
const STEPPED_STILL_MAX_MS = 3 * 60 * MINUTE;

/** One interval (t0, t1] of `liters` (`gap`: too long to say anything) on a register that last
 *  moved at `tickFrom`: its rate, if lower than today's lowest, is today's — the interval's own on
 *  a register finer than a litre, one step over the time it took to move on a stepped one (noted
 *  when it moves). Returns when the interval's water began to accrue (drip-wise). */
export function noteDrip(f: FlowState, t0: number, t1: number, liters: number, gap: boolean, tickFrom: number): number {
  const step = dripStepL(f);
  const from = step > 0 && liters > 0 && !gap ? tickFrom : t0;
  if (gap) return from;
  if (step === 0 && t1 - t0 <= DRIP_MAX_SPAN_MS) lowest(f, liters / ((t1 - t0) / MINUTE));
  else if (step > 0 && liters > 0) lowest(f, step / ((t1 - from) / MINUTE));
  return from;
}

function lowest(f: FlowState, lpm: number): void {
  if (!(lpm >= 0)) return;
  const mlh = Math.round(lpm * 1000 * 60);
  if (f.dripDayMlh === NONE || mlh < f.dripDayMlh) f.dripDayMlh = mlh;
}

/** The lowest rate of the previous local day and today so far, in L/min (NaN before a whole day):
 *  what flows when nobody uses water (a trickle's, or a known leak's: flow-rules.ts). */
export function lowestLpm(f: FlowState): number {
  if (f.dripPrevMlh === NONE) return NaN;
  return (f.dripDayMlh === NONE ? f.dripPrevMlh : Math.min(f.dripPrevMlh, f.dripDayMlh)) / 1000 / 60;
}

/** The standing trickle in L/min beyond a known leak (flow.baselineLpm, already subtracted), at
 *  most `maxLpm` (the leak floor: above it the leak rule raises and subtracts it); 0 until a whole
 *  day has been seen, or if any interval of the last one or two days was dry (on a stepped
 *  register: still for longer than STEPPED_STILL_MAX_MS). */
export function dripLpm(f: FlowState, maxLpm = Infinity): number {
  const low = lowestLpm(f);
  if (Number.isNaN(low)) return 0;
  const step = dripStepL(f);
  if (step > 0 && low < step / (STEPPED_STILL_MAX_MS / MINUTE)) return 0;
  return Math.min(maxLpm, Math.max(0, low - f.baselineLpm));
}

/** On a register this coarse a trickle below the leak floor takes longer than STEPPED_STILL_MAX_MS
 *  a step (a 10 L pulse register: 4.2 h at the 2.4 L/h floor, 5 h at 2 L/h), so the learner above
 *  never takes it for one, and each of its steps, hours apart, was a use that restarted the
 *  silence: an elder who fell in such a home was never found (eval/README "A trickle behind a pulse
 *  register"). Such a register is never still for long, night or day: when its longest stillness
 *  of a day or two (one step over its lowest rate) is under LONE_STILL_MAX_MS, a single step after
 *  at least LONE_STILL_SHARE of that stillness is the trickle's, not a use. A home without a
 *  trickle is still for a night on most days and keeps every step as use; one whose nights are
 *  broken into spells under 6 h two days running (toilet visits) loses the first step after each
 *  long spell, and the next use ends its silence instead. */
export function loneStep(f: FlowState, liters: number, accrualMs: number, leakMinLpm: number): boolean {
  const step = dripStepL(f);
  if (!(((step / leakMinLpm) * MINUTE) > STEPPED_STILL_MAX_MS)) return false;
  const longestStillMs = (step / lowestLpm(f)) * MINUTE; // NaN before a whole day: no
  if (!(longestStillMs <= LONE_STILL_MAX_MS)) return false;
  return liters <= step * (1 + 1e-9) && accrualMs >= LONE_STILL_SHARE * longestStillMs;
}

/** A 10 L register with a trickle of 1.7 L/h or more (up to the 2.4 L/h floor) is never still
 *  longer; a slower trickle's steps, 6 h and more apart, are as far apart as a night's sleep and
 *  cannot be told from a flush after it (measured: 8 h cost 0.23 false alarms per household-month
 *  on sim-pulse-10L, 6 h 0.10). */
const LONE_STILL_MAX_MS = 6 * 60 * MINUTE;
/** A dripping tap's rate wanders (±50 % from hour to hour), so its steps come a little early as
 *  well as late; a home whose night is broken by a toilet visit has steps after much shorter
 *  stillness than its longest (measured on real-homes trickle:2+step:10: 0.5 found 133 of 135 at
 *  the same cost, 0.9 129, 0.8 134). */
const LONE_STILL_SHARE = 0.8;

/** Is `useLiters` (an interval's water after a known leak's share, accrued over `accrualMs`) a
 *  use, with `drip` L/min standing on a register of `stepL` litres (0: finer)? At least
 *  `minLiters`; with a trickle, also its share twice over (a dripping tap's rate wanders, ±50 %
 *  from hour to hour, and its lowest hour is below its usual) and one step more (a stepped
 *  register shows the trickle's litres a step early or late). */
export const isUse = (useLiters: number, accrualMs: number, drip: number, minLiters: number, stepL = 0): boolean => {
  if (!(drip > 0)) return useLiters >= minLiters;
  const standing = (drip * accrualMs) / MINUTE;
  return useLiters - standing >= Math.max(minLiters, standing) + stepL;
};

/** Is an interval of `liters` on the register (`useLiters` after a known leak's share, accrued over
 *  `accrualMs`) a use, beyond what a standing trickle explains — its learned rate (isUse) and, on a
 *  pulse register, its lone steps (loneStep)? The one question the detector asks of this file. */
export const usedBeyondTrickle = (f: FlowState, liters: number, useLiters: number, accrualMs: number, minLiters: number, leakMinLpm: number): boolean =>
  isUse(useLiters, accrualMs, dripLpm(f, leakMinLpm), minLiters, dripStepL(f)) && !loneStep(f, liters, accrualMs, leakMinLpm);
