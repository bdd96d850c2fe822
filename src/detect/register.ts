// The meter's cumulative register → usage intervals, with bad data recognised as such:
// duplicates, out-of-order readings, absurd jumps (the real DAIAD fault: another meter's
// readings interleaved, +248,000 L), counter resets and meter replacements.
import type { DetectorConfig } from './config.ts';
import { type Nums, nums, numAt, numsClear, numsDropFront, numsLength, numsPush, numsRebase } from './nums.ts';
import { columnToLiters, fromColumn, isMilli, litersBetween, toColumn } from './milli.ts';
import { rolloverLiters } from './rollover.ts';
import { MINUTE } from './time.ts';

export interface RegisterState {
  lastTs: number; // NaN before the first reading
  lastTotal: number;
  /** A register value that disagrees with ours; adopted once confirmed (meter replaced). */
  pending: { ts: number; total: number; count: number } | null;
  /** Recently accepted readings (a late re-send of one is a duplicate), oldest first, as
   *  (ts − recentBase, total) pairs in one list (nums.ts): the relative ts stay small, so a
   *  pair takes 8 bytes, for a fine meter too while its totals are kept in millilitres. */
  recent: Nums;
  recentBase: number;
  /** The totals in `recent` are whole millilitres (milli.ts), not litres. */
  recentMilli: boolean;
}

export type RegisterOutcome =
  | { kind: 'first' }
  | { kind: 'interval'; t0: number; t1: number; liters: number }
  | { kind: 'duplicate' }
  | { kind: 'out-of-order'; fits: boolean }
  | { kind: 'fault'; why: 'absurd-jump' | 'counter-reset' | 'conflicting-duplicate'; deltaLiters: number }
  | { kind: 'rebased'; from: number; to: number };

export const createRegister = (): RegisterState => ({ lastTs: NaN, lastTotal: 0, pending: null, recent: nums(1), recentBase: 0, recentMilli: true });

/** Readings remembered for recognising late duplicates (pairs). */
const RECENT = 48;
function remember(r: RegisterState, ts: number, total: number): void {
  if (numsLength(r.recent) === 0) {
    r.recentBase = ts;
    r.recentMilli = true;
  }
  if (r.recentMilli && !isMilli(total)) {
    columnToLiters(r.recent, 2, 1);
    r.recentMilli = false;
  }
  numsPush(r.recent, ts - r.recentBase);
  numsPush(r.recent, toColumn(r.recentMilli, total));
  // Trimmed in chunks (between RECENT and 2 × RECENT are kept), which is what decides which
  // late re-sends are still recognised.
  if (numsLength(r.recent) > 4 * RECENT) {
    numsDropFront(r.recent, 2 * RECENT);
    rebase(r);
  }
}

/** Keep the relative ts small: count them from the oldest kept. Exact for whole ms (meter
 *  timestamps are), so a list holding any other ts keeps its base. */
function rebase(r: RegisterState): void {
  r.recentBase += numsRebase(r.recent, 2, [0]);
}

/** A reading older than the register's: a re-send of a known one, or one that fits between two. */
function behind(r: RegisterState, ts: number, total: number): RegisterOutcome {
  const rel = ts - r.recentBase;
  let before = NaN;
  let after = NaN;
  const k = r.recent;
  const milli = r.recentMilli;
  for (let i = 0, n = numsLength(k); i < n; i += 2) {
    const t = numAt(k, i);
    const v = fromColumn(milli, numAt(k, i + 1));
    if (t === rel) return Math.abs(v - total) < 1e-9 ? { kind: 'duplicate' } : { kind: 'out-of-order', fits: false };
    if (t < rel) before = v;
    else if (Number.isNaN(after)) after = v;
  }
  // It fits when its register value lies between its known neighbours' (it is consistent history).
  const fits = !Number.isNaN(before) && !Number.isNaN(after) && total >= before - JITTER_L && total <= after + JITTER_L;
  return { kind: 'out-of-order', fits };
}

/** Register noise we ignore: coarse meters round to whole litres. */
const JITTER_L = 1;
/** Registers also step back a few litres (real DAIAD data: -5 L); a reset drops far more. */
const JITTER_BACK_L = 10;

/** The most a register can rise in `dtMs` (L): maxFlowLpm over the interval plus the clock's slack. */
const plausibleRise = (cfg: DetectorConfig['dataFault'], dtMs: number): number => (cfg.maxFlowLpm * (dtMs + cfg.clockSlackMs)) / MINUTE + JITTER_L;

/** `stepL`: the register's trusted step in litres (register-step.ts; 0 unknown), for rollovers. */
export function advanceRegister(
  r: RegisterState,
  ts: number,
  total: number,
  cfg: DetectorConfig['dataFault'],
  stepL = 0,
): RegisterOutcome {
  if (Number.isNaN(r.lastTs)) {
    r.lastTs = ts;
    r.lastTotal = total;
    remember(r, ts, total);
    return { kind: 'first' };
  }
  if (ts === r.lastTs) {
    if (Math.abs(total - r.lastTotal) < 1e-9) return { kind: 'duplicate' };
    return { kind: 'fault', why: 'conflicting-duplicate', deltaLiters: total - r.lastTotal };
  }
  if (ts < r.lastTs) return behind(r, ts, total);

  const delta = litersBetween(total, r.lastTotal);
  const plausibleMax = plausibleRise(cfg, ts - r.lastTs);
  if (delta >= -JITTER_BACK_L && delta <= plausibleMax) {
    r.pending = null; // good data in between: the odd value was a glitch, not a new meter
    const t0 = r.lastTs;
    r.lastTs = ts;
    r.lastTotal = Math.max(total, r.lastTotal);
    remember(r, ts, r.lastTotal);
    return { kind: 'interval', t0, t1: ts, liters: Math.max(0, delta) };
  }

  // A counter that wrapped (rollover.ts): the water across the wrap is use, the new value the register.
  const wrapped = delta < -JITTER_BACK_L ? rolloverLiters(r.lastTotal, total, stepL, plausibleMax) : NaN;
  if (!Number.isNaN(wrapped)) {
    r.pending = null;
    const t0 = r.lastTs;
    r.lastTs = ts;
    r.lastTotal = total;
    numsClear(r.recent); // the values before the wrap are not comparable with those after it
    remember(r, ts, total);
    return { kind: 'interval', t0, t1: ts, liters: wrapped };
  }

  // Inconsistent with our register. A glitch if it never repeats; a new meter (or a reset
  // counter) if the next readings agree with it instead.
  const p = r.pending;
  if (p && ts > p.ts && total - p.total >= -JITTER_L && total - p.total <= plausibleRise(cfg, ts - p.ts)) {
    p.count++;
    p.ts = ts;
    p.total = total;
    if (p.count >= cfg.rebaseConfirmations) {
      const from = r.lastTotal;
      r.lastTs = ts;
      r.lastTotal = total;
      r.pending = null;
      numsClear(r.recent); // the old register's values say nothing about the new one
      remember(r, ts, total);
      return { kind: 'rebased', from, to: total };
    }
  } else {
    r.pending = { ts, total, count: 1 };
  }
  return { kind: 'fault', why: delta < 0 ? 'counter-reset' : 'absurd-jump', deltaLiters: delta };
}
