// The register's step: the smallest amount a meter can show. Fine meters count millilitres or
// tenths of a litre, mechanical registers read by a photo sensor whole litres, and pulse
// (reed-switch) meters, common in retrofitted Chinese NB-IoT fleets, often 10 L per pulse
// (0.01 m³). On a 10 L register a leak of 3 L/h shows as one step every 3 h and nothing in
// between: "water in every interval" never holds, so the leak rule must judge flow over the
// time the register needs to move one step (flow.ts), not over one reading.
//
// The step is learned from the positive deltas: the largest step of the ladder below (1 mL …
// 100 L) that divides every one of them. One delta that is not a multiple (another resolution after a
// glitch) lowers it for good, which only brings back the fine-meter rules. A new register (the
// meter swapped or reset, register.ts 'rebased') learns its own step from scratch: a fine meter
// replaced by a 100 L pulse meter kept the fine step and with it no-usage, on a register that
// cannot show a day's uses (false alerts several times a week).
// Until enough deltas are seen the step is unknown and nothing changes.

/** Register steps in millilitres, largest first: powers of ten, and 20 and 50 L (pulse outputs
 *  come in 10, 20, 50, 100 L). No 2 or 5 L: ten deltas of a 1 L register all even is one in a
 *  thousand, and a 1 L register must never pass for a coarse one. */
const LADDER = [100_000, 50_000, 20_000, 10_000, 1_000, 100, 10, 1];
/** Positive deltas before a coarse step is trusted (a 1 L register that happened to move 10,
 *  20 and 30 L must not pass for a 10 L one: ten deltas of a real 1 L register all multiples of
 *  10 is about one in 10¹⁰; a 100 L register takes a week to move ten times). */
export const STEP_TRUST_DELTAS = 10;
/** Steps of at least this many litres get the step-aware leak and steady rules; finer
 *  registers keep the per-interval rules they were tuned on. */
export const COARSE_STEP_L = 2;

export interface StepState {
  /** Largest ladder step (mL) dividing every positive delta so far; 0 before the first. */
  stepMilli: number;
  /** Positive deltas seen (capped). */
  stepDeltas: number;
}

export function noteDelta(s: StepState, liters: number): void {
  if (!(liters > 0)) return;
  const milli = Math.round(liters * 1000);
  // Not a whole number of millilitres: finer than the ladder.
  let step = Math.abs(milli - liters * 1000) > 1e-6 * Math.max(1, milli) ? 0 : 1;
  if (step) for (const p of LADDER) if (milli % p === 0) { step = p; break; }
  s.stepMilli = s.stepDeltas === 0 ? step : Math.min(s.stepMilli, step);
  if (s.stepDeltas < STEP_TRUST_DELTAS) s.stepDeltas++;
}

/** A new register: what the old one's deltas said of its step no longer holds. */
export function forgetStep(s: StepState): void {
  s.stepMilli = 0;
  s.stepDeltas = 0;
}

/** The register's step in litres once STEP_TRUST_DELTAS deltas agree on it, else 0 (not known yet). */
export const trustedStepLiters = (s: StepState): number => (s.stepDeltas >= STEP_TRUST_DELTAS ? s.stepMilli / 1000 : 0);

/** The register's step in litres when it is coarse (≥ COARSE_STEP_L) and trusted, else 0.
 *  A coarser step is trusted sooner: k deltas of a 1 L register all multiples of s litres is
 *  about s^−k, so k = 10 / log10(s) keeps that under 10⁻¹⁰ (10 L: 10 deltas, 100 L: 5, which a
 *  100 L register, moving once or twice a day, shows within a few days). */
export function coarseStepLiters(s: StepState): number {
  const l = s.stepMilli / 1000;
  if (l < COARSE_STEP_L) return 0;
  return s.stepDeltas >= Math.min(STEP_TRUST_DELTAS, Math.ceil(10 / Math.log10(l))) ? l : 0;
}

/** The step when it is too coarse for no-usage (over `maxStepL`: its silences say nothing), else 0.
 *  The rule (detector.ts) and the dashboard's status (status.ts) ask the same question here. */
export function stepTooCoarseForNoUsage(s: StepState, maxStepL: number): number {
  const l = coarseStepLiters(s);
  return l > maxStepL ? l : 0;
}
