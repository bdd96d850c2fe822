// Storage of the flow maxima per day (flow.ts decides what they are): one record per day,
// oldest first, the last being today, in two compact lists (nums.ts): whole-ms fields and
// flags in one, litres in the other (so fractional litres do not widen the durations). The
// first is a minutes list (nums.ts kind 0): durations take 2 bytes while they are whole
// minutes, and the day index and flag are stored times MINUTE so that they do too.
import { type Nums, nums, numAt, numsDropFront, numsLength, numsPush, numsSet } from './nums.ts';
import { columnToLiters, fromColumn, isMilli, toColumn } from './milli.ts';
import { MINUTE } from './time.ts';

export interface FlowDays {
  /** Per day: day index, excluded (0/1), then the duration maxima (ms) in DURATIONS order. */
  ints: Nums;
  /** Per day: the volume maxima in VOLUMES order, in litres or, while every one is whole
   *  millilitres (`litersMilli`: a fine meter's, milli.ts), in thousandths (4 bytes each). */
  liters: Nums;
  litersMilli: boolean;
}

/** The maxima kept per day. Durations: longest run, longest sustained run, longest never-dry
 *  streak, longest steady (coarse) streak. Volumes: most in a trailing hour, in a short window. */
export type FlowMax = 'run' | 'sustained' | 'wet' | 'steady' | 'hourL' | 'shortL';
const INTS = 6;
const LITERS = 2;
const FIELD: Record<FlowMax, number> = { run: 2, sustained: 3, wet: 4, steady: 5, hourL: 0, shortL: 1 };
const isVolume = (k: FlowMax): boolean => k === 'hourL' || k === 'shortL';

export const createFlowDays = (): FlowDays => ({ ints: nums(0), liters: nums(1), litersMilli: true });

export const flowDayCount = (s: FlowDays): number => numsLength(s.ints) / INTS;
const today = (s: FlowDays): number => flowDayCount(s) - 1;

/** The day index of today's record, NaN before the first interval. */
export const todayNo = (s: FlowDays): number => (flowDayCount(s) ? numAt(s.ints, today(s) * INTS) / MINUTE : NaN);
const excludedAt = (s: FlowDays, i: number): boolean => numAt(s.ints, i * INTS + 1) !== 0;

/** Today is known and learnable (not away). */
export const todayLearns = (s: FlowDays): boolean => flowDayCount(s) > 0 && !excludedAt(s, today(s));

export function excludeFlowDay(s: FlowDays): void {
  if (flowDayCount(s)) numsSet(s.ints, today(s) * INTS + 1, MINUTE);
}

export function maxOf(s: FlowDays, i: number, k: FlowMax): number {
  return isVolume(k) ? fromColumn(s.litersMilli, numAt(s.liters, i * LITERS + FIELD[k])) : numAt(s.ints, i * INTS + FIELD[k]);
}

function setVolume(s: FlowDays, at: number, v: number): void {
  if (s.litersMilli && !isMilli(v)) {
    columnToLiters(s.liters, 1, 0);
    s.litersMilli = false;
  }
  numsSet(s.liters, at, toColumn(s.litersMilli, v));
}

/** today's maximum k = max(it, v) (today must exist). */
export function raiseToday(s: FlowDays, k: FlowMax, v: number): void {
  const i = today(s);
  const cur = maxOf(s, i, k);
  const next = Math.max(cur, v);
  if (Object.is(next, cur)) return;
  if (isVolume(k)) setVolume(s, i * LITERS + FIELD[k], next);
  else numsSet(s.ints, i * INTS + FIELD[k], next);
}

/** A new day at the end (today), with all maxima 0. */
export function pushFlowDay(s: FlowDays, day: number): void {
  numsPush(s.ints, day * MINUTE);
  for (let j = 1; j < INTS; j++) numsPush(s.ints, 0);
  for (let j = 0; j < LITERS; j++) numsPush(s.liters, 0);
}

export function dropOldestFlowDay(s: FlowDays): void {
  numsDropFront(s.ints, INTS);
  numsDropFront(s.liters, LITERS);
}

/** Days kept that are not excluded. */
export function goodFlowDays(s: FlowDays): number {
  let n = 0;
  for (let i = 0, c = flowDayCount(s); i < c; i++) if (!excludedAt(s, i)) n++;
  return n;
}

/** The largest k over the days kept that are not excluded (-Infinity when none, as Math.max()). */
export function maxOverGood(s: FlowDays, k: FlowMax): number {
  let m = -Infinity;
  for (let i = 0, c = flowDayCount(s); i < c; i++) if (!excludedAt(s, i)) m = Math.max(m, maxOf(s, i, k));
  return m;
}

export const flowDaysValid = (s: FlowDays): boolean => numsLength(s.ints) % INTS === 0 && numsLength(s.liters) / LITERS === numsLength(s.ints) / INTS;
