// How a register's readings are read as flow when the register cannot show every interval's
// water: a fine meter's intervals (FINE_MAX_MS), and a register whose step (register-step.ts) a
// leak or a running tap moves less often than the meter is read: the leak rule then judges
// wetness over the step (leakStepLiters, wetOnStep), and the flow's still readings between
// steps join the next step's interval (bridgeMs).
import type { DetectorConfig } from './config.ts';
import type { FlowState } from './flow.ts';
import { coarseStepLiters, trustedStepLiters } from './register-step.ts';
import { MINUTE } from './time.ts';

/** Intervals up to this long are *fine*: an interval's average flow says the water ran through it
 *  (runLpmFine). Longer ones average several uses (a flush and a hand-wash in one 5-minute interval
 *  look like 1.5 L/min of flow), so they take the coarse rules (runLpmCoarse, whole intervals).
 *  Measured on sim-1min re-read every 5 min (eval/tools/retime.ts every:5): with 5 min counted as
 *  fine, 0.09 false surges per household-month, from uses in neighbouring intervals joined into runs. */
export const FINE_MAX_MS = 2 * MINUTE;

/** On fine intervals, step-aware leak wetness from whole litres up (leakStepLiters). */
const FINE_STEP_AWARE_L = 1;

/**
 * How long a fine meter's register may stand still inside one flow (ms), 0 when every reading is
 * an interval of its own: on a coarse-step register (10 L a pulse) read more often than it can
 * move at surge.runLpmCoarse, step / runLpmCoarse (10 L: 4 min). A 6 L/min tap moves it every
 * 100 s, so a 1-minute meter reads 10, 0, 10, 10, 0 L …, and no run lasted (sim-1min as a 10 L
 * register, eval/tools/retime.ts step:10: surges 8/11, mean 575 min). The still readings within
 * it join the interval that ends with the next step (detector.ts foldInterval), which is fine or
 * coarse by its own length (observeFlow).
 */
export function bridgeMs(f: FlowState, cadenceMs: number, cfg: DetectorConfig): number {
  const step = coarseStepLiters(f);
  if (step === 0 || Number.isNaN(f.lastTickAt)) return 0;
  const ms = (step / cfg.surge.runLpmCoarse) * MINUTE;
  return cadenceMs < ms ? ms : 0;
}

/**
 * The step over which the leak rule judges flow (L), 0 when intervals can show leak.minLpm.
 * A coarse-step register always (register-step.ts); so does a register read so often that a
 * leak at minLpm would move it less than once in two intervals (a whole-litre register read
 * more often than every 12.5 min): on a 5-minute meter a slow leak of 0.05–0.2 L/min moves it
 * every 5–20 min, and the intervals between, at 0 L, are not dry (sim-5min: 1 of 3 slow leaks
 * found before). Such a register's streaks span the waking day, like a coarse step's, so the
 * leak rule keeps their floor (flow-rules.ts). Fine intervals too, from whole litres up
 * (FINE_STEP_AWARE_L): a 1-minute meter whose register steps in whole litres missed every leak
 * (sim-1min step:1, 0/3 → 3/3 at 20 h, no false leak). Finer registers on fine intervals keep
 * the per-interval rule they were tuned on (0.1 L: found in 4 h, not after the 20 h floor).
 */
export function leakStepLiters(f: FlowState, dtMs: number, coarseStep: number, cfg: DetectorConfig): number {
  if (coarseStep > 0) return coarseStep;
  const l = trustedStepLiters(f);
  if (!(l > 2 * cfg.leak.minLpm * (dtMs / MINUTE))) return 0;
  return dtMs > FINE_MAX_MS || l >= FINE_STEP_AWARE_L ? l : 0;
}

/** Reading times jitter by seconds to minutes: a step this much later than stillMax still counts. */
const STEP_SLACK_MS = 5 * MINUTE;

/**
 * On a coarse-step register, is the interval part of continuous flow of at least leak.minLpm?
 * Returns the flow's rate over the time since the register last moved (L/min) when it moved,
 * 0 when it did not but has not been still long enough to rule such flow out (one step at
 * minLpm takes step / minLpm; at most leak.stepStillMaxMs), −1 when it is dry.
 */
export function wetOnStep(f: FlowState, t0: number, t1: number, liters: number, step: number, cfg: DetectorConfig): number {
  const since = Math.max(Number.isNaN(f.lastTickAt) ? t0 : f.lastTickAt, Number.isNaN(f.lastDryAt) ? t0 : f.lastDryAt);
  const still = t1 - (Number.isNaN(f.lastTickAt) ? t0 : f.lastTickAt);
  const stillMax = Math.min((step / cfg.leak.minLpm) * MINUTE, cfg.leak.stepStillMaxMs);
  if (liters > 0) {
    // A leak that moves the register at least every stillMax shows steps at most that far
    // apart, whatever the reading interval; a step after longer (a 10 L register read hourly,
    // moving at 01:00 after 22:00: a night's toilet visits) ends a dry spell, it is not in a leak.
    // (Without this, an hourly 10 L register never had a dry night: 0.80 false leaks per
    // household-month on sim-1min re-read hourly as a 10 L register.)
    if (still > stillMax + STEP_SLACK_MS) return -1;
    const lpm = liters / (Math.max(t1 - since, t1 - t0) / MINUTE);
    return lpm >= cfg.leak.minLpm ? lpm : -1;
  }
  return still <= stillMax ? 0 : -1;
}
