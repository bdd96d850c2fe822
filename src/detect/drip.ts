// A standing trickle: a dripping tap or a cistern valve that never quite closes, 0.5–2.4 L/h,
// below the leak rule's floor (leak.minLpm) and so never raised or subtracted as a leak. On an
// hourly meter it puts 0.5–2 L in every interval, and an interval with 0.5 L counted as use: the
// silence never began, and an elder incapacitated in such a home was never found (nor was any
// alert raised at all). The trickle is what the meter shows when nobody uses water, so it is
// learned as the lowest rate of any interval over the previous local day and today so far (a
// household that is at home leaves the tap dry for a while on most days: its trickle is 0), and
// an interval is use only when it holds twice the trickle's share, and 0.5 L beyond it. Rates are kept in whole mL/h (small integers: no heap box per meter, issue 12.4).
import type { FlowState } from './flow.ts';
import { STEP_TRUST_DELTAS } from './register-step.ts';
import { MINUTE } from './time.ts';

/** Intervals longer than this do not say what flows when nobody uses water (a household uses
 *  some in most 4-hour spans). */
export const DRIP_MAX_SPAN_MS = 2 * 60 * MINUTE;
const NONE = -1;

/** A new local day: yesterday's lowest rate is kept, today's starts afresh. */
export function rollDrip(f: FlowState): void {
  f.dripPrevMlh = f.dripDayMlh;
  f.dripDayMlh = NONE;
}

/** Only a register finer than a litre shows a trickle interval by interval. On a whole-litre or
 *  coarser one a trickle and a hand-wash after hours of stillness read the same (one step), so
 *  no trickle is learned there (left: eval/README.md). */
export const dripRegister = (f: FlowState): boolean => !(f.stepDeltas >= STEP_TRUST_DELTAS && f.stepMilli >= 1000);

/** One interval's rate (L/min): the lowest today is kept. */
export function noteDrip(f: FlowState, lpm: number): void {
  if (!(lpm >= 0)) return;
  const mlh = Math.round(lpm * 1000 * 60);
  if (f.dripDayMlh === NONE || mlh < f.dripDayMlh) f.dripDayMlh = mlh;
}

/** The standing trickle in L/min beyond a known leak (flow.baselineLpm, already subtracted), at
 *  most `maxLpm` (the leak floor: above it the leak rule raises and subtracts it); 0 until a whole
 *  day has been seen, or if any interval of the last one or two days was dry. */
export function dripLpm(f: FlowState, maxLpm = Infinity): number {
  if (f.dripPrevMlh === NONE || !dripRegister(f)) return 0;
  const low = f.dripDayMlh === NONE ? f.dripPrevMlh : Math.min(f.dripPrevMlh, f.dripDayMlh);
  return Math.min(maxLpm, Math.max(0, low / 1000 / 60 - f.baselineLpm));
}

/** Is `useLiters` (an interval's water after a known leak's share, over `accrualMs`) a use,
 *  with `drip` L/min standing? At least `minLiters` and the trickle's own share beyond it:
 *  a dripping tap's rate wanders (±50 % from hour to hour), its lowest hour is below its usual. */
export const isUse = (useLiters: number, accrualMs: number, drip: number, minLiters: number): boolean => {
  const standing = (drip * accrualMs) / MINUTE;
  return useLiters - standing >= Math.max(minLiters, standing);
};
