// A cistern that tops itself up: a worn flapper lets it drain, and every 15–25 minutes, day and
// night, the fill valve adds about a litre (≈ 70 L a day, the commonest toilet leak). Each refill
// is a whole litre in one short interval, so it was "use": the silence never lasted 25 min and a
// fall in such a home was never found; and the intervals between refills are dry, so neither the
// leak rule nor the standing trickle (drip.ts) saw it. What tells it from a household is that the
// register never stands still, night and day, for longer than a leak at the floor (leak.minLpm)
// takes to move it a litre (LUMP_STILL_MS); a home without one is still for hours every night.
// Once that streak has lasted leak.maxWindowMs (22 h), the refills are background: credit accrues
// at RATE_LPM up to CREDIT_MAX_L, and an interval's water drawn from it is not use, and the
// streak is also a leak (flow-rules.ts). Meters read every 15 min or more often only: an hourly
// interval holds 2–4 refills, which a trickle's share covers (drip.ts), and the flowing-leak rule
// reports them (it waits for the register to stand still before it clears, flow-rules.ts).
// The streak and the credit share one small integer (the per-meter state budget, issue 12).
import type { DetectorConfig } from './config.ts';
import type { FlowState } from './flow.ts';
import { HOUR, MINUTE } from './time.ts';

/** Meters read at most this far apart can show the refills as lumps between still intervals. */
const REFILL_MAX_CADENCE_MS = 15 * MINUTE;
/** The streak is a leak on meters read this often. A 15-minute meter may hide 44 min of
 *  stillness, but a home is still for hours every night; before it was one, a 15-minute meter's
 *  refills were left to the flowing-leak rule, which raised after 12–70 h or never (it needs a
 *  streak of wet quarter-hours, which the dry ones between refills break). */
export const LUMP_MAX_CADENCE_MS = 15 * MINUTE;
/** Read less often than this, a streak with a standing trickle learned under it (drip.ts: water in
 *  every interval) is the trickle's, not a cistern's: no lump leak (a trickle is below the floor). */
export const LUMP_TRICKLE_CADENCE_MS = 5 * MINUTE;
/** A leak at the floor (0.04 L/min) moves the register a litre every 25 min; reading slack 5 min. */
export const LUMP_STILL_MS = 30 * MINUTE;
/** A refill is a top-up of 0.5–2 L; a flush is 6–9 L, and stays use. */
const CREDIT_MAX_ML = 1500;
/** The refills' background: 1.5 × the leak floor (3.6 L/h; a litre every 15–25 min is 2.4–4 L/h,
 *  and credit left over from the slower ones is kept up to CREDIT_MAX_ML). */
const RATE_LPM = 0.06;

// flow.refillLump = streak seconds × CREDIT_SPAN + credit mL: at most 3 days × 2048 < 2^29.
const CREDIT_SPAN = 2048;
const LUMP_MAX_S = 3 * 24 * 3600;
/** How long the register has not stood still for long (ms; 0: it just did). */
export const lumpMs = (f: FlowState): number => Math.floor(f.refillLump / CREDIT_SPAN) * 1000;
const creditMl = (f: FlowState): number => f.refillLump % CREDIT_SPAN;
const setLump = (f: FlowState, ms: number, credit: number): void => {
  f.refillLump = Math.min(LUMP_MAX_S, Math.round(ms / 1000)) * CREDIT_SPAN + credit;
};
/** The streak ends (a leak stopped, a surge ended: their streak is not a cistern's). */
export const endLumps = (f: FlowState): void => void (f.refillLump = 0);

/**
 * The interval (t0, t1] of `liters` (`useLiters` after a known leak's share), before it moves
 * f.lastTickAt (the end of the last interval in which the register moved): extends or ends the
 * streak, and returns the litres of it that are the refills' background.
 */
export function noteRefill(f: FlowState, t0: number, t1: number, liters: number, useLiters: number, gap: boolean, cadenceMs: number, cfg: DetectorConfig): number {
  if (gap || cadenceMs > REFILL_MAX_CADENCE_MS) {
    endLumps(f);
    return 0;
  }
  const tick = Number.isNaN(f.lastTickAt) ? t0 : f.lastTickAt;
  let ms = lumpMs(f);
  if (liters > 0) ms = ms === 0 || t0 - tick > LUMP_STILL_MS ? t1 - t0 : ms + (t1 - t0);
  else ms = t1 - tick > LUMP_STILL_MS || ms === 0 ? 0 : ms + (t1 - t0);
  if (ms < cfg.leak.maxWindowMs) {
    setLump(f, ms, 0);
    return 0;
  }
  const credit = Math.min(CREDIT_MAX_ML, creditMl(f) + Math.round((RATE_LPM * (t1 - t0) * 1000) / MINUTE));
  const taken = Math.min(credit, Math.max(0, Math.floor(useLiters * 1000)));
  setLump(f, ms, credit - taken);
  return taken / 1000;
}

