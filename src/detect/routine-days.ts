// Storage of the routine's learned days (routine.ts decides what is learned; deadline.ts reads
// it only through forEachLearnedSilence). Four weeks of days as objects with a JS array of
// epoch-ms silences each cost about 17 KB per meter; here they are two compact lists (nums.ts):
//   table: one record of DAY_FIELDS values per day, oldest first; the last is the current day;
//   pool:  each day's silences (start, end pairs, ms relative to the day's UTC midnight
//          day × DAY, so a changed time-zone setting does not move them) followed by the ends
//          of its long silences (ms after local midnight, whole minutes), day after day.
// Usually both are whole minutes or whole ms and take 2–4 bytes a value; any other value
// widens the list, so what is read back is always exactly what was stored.
import { type Nums, nums, numAt, numsDropFront, numsInsert, numsLength, numsPush, numsSet } from './nums.ts';
import { DAY, MINUTE } from './time.ts';

export interface RoutineDays {
  table: Nums;
  pool: Nums;
}

/** Fields of a day record; the last packs the longest silence's midpoint minute (11 bits),
 *  the excluded flag (1), the number of silences (10) and of long ends (9): all are bounded
 *  (silences of ≥ 30 min that begin on one day do not overlap: at most 49, long ends at most 9). */
const DAY_NO = 0;
const OBSERVED = 1;
const LONGEST = 2;
const PACKED = 3;
export const DAY_FIELDS = 4;
const EXCLUDED_BIT = 1 << 11;
const SIL_SHIFT = 12;
const ENDS_SHIFT = 22;
const TEN_BITS = 0x3ff;

export const createRoutineDays = (): RoutineDays => ({ table: nums(1), pool: nums(0) });

export const dayCount = (s: RoutineDays): number => numsLength(s.table) / DAY_FIELDS;
export const dayNo = (s: RoutineDays, i: number): number => numAt(s.table, i * DAY_FIELDS + DAY_NO);
export const observedMs = (s: RoutineDays, i: number): number => numAt(s.table, i * DAY_FIELDS + OBSERVED);
export const longestMs = (s: RoutineDays, i: number): number => numAt(s.table, i * DAY_FIELDS + LONGEST);
const packed = (s: RoutineDays, i: number): number => numAt(s.table, i * DAY_FIELDS + PACKED);
export const longestMidMin = (s: RoutineDays, i: number): number => packed(s, i) & 0x7ff;
export const isExcluded = (s: RoutineDays, i: number): boolean => (packed(s, i) & EXCLUDED_BIT) !== 0;
const silenceCount = (s: RoutineDays, i: number): number => (packed(s, i) >>> SIL_SHIFT) & TEN_BITS;
const endCount = (s: RoutineDays, i: number): number => (packed(s, i) >>> ENDS_SHIFT) & TEN_BITS;
const setPacked = (s: RoutineDays, i: number, v: number): void => numsSet(s.table, i * DAY_FIELDS + PACKED, v);

export function addObserved(s: RoutineDays, i: number, ms: number): void {
  numsSet(s.table, i * DAY_FIELDS + OBSERVED, observedMs(s, i) + ms);
}
export function setLongest(s: RoutineDays, i: number, ms: number, midMin: number): void {
  numsSet(s.table, i * DAY_FIELDS + LONGEST, ms);
  setPacked(s, i, (packed(s, i) & ~0x7ff) | midMin);
}
export function setExcluded(s: RoutineDays, i: number): void {
  setPacked(s, i, packed(s, i) | EXCLUDED_BIT);
}

/** Start of day i's segment in the pool (its silences, then its long ends). */
function segmentStart(s: RoutineDays, i: number): number {
  let at = 0;
  for (let j = 0; j < i; j++) at += 2 * silenceCount(s, j) + endCount(s, j);
  return at;
}

/** A new (current) day at the end. */
export function pushDay(s: RoutineDays, day: number): void {
  numsPush(s.table, day);
  numsPush(s.table, 0);
  numsPush(s.table, 0);
  numsPush(s.table, 0);
}

/** Forget the oldest day and its silences. */
export function dropOldestDay(s: RoutineDays): void {
  numsDropFront(s.pool, 2 * silenceCount(s, 0) + endCount(s, 0));
  numsDropFront(s.table, DAY_FIELDS);
}

/** A completed silence [start, end) that began on day i (epoch ms). */
export function pushSilence(s: RoutineDays, i: number, start: number, end: number): void {
  const n = silenceCount(s, i);
  const at = segmentStart(s, i) + 2 * n;
  const base = dayNo(s, i) * DAY;
  numsInsert(s.pool, at, start - base);
  numsInsert(s.pool, at + 1, end - base);
  setPacked(s, i, packed(s, i) + (1 << SIL_SHIFT));
}

/** A long silence ended on day i at local minute `minute`. */
export function pushLongEnd(s: RoutineDays, i: number, minute: number): void {
  numsInsert(s.pool, segmentStart(s, i) + 2 * silenceCount(s, i) + endCount(s, i), minute * MINUTE);
  setPacked(s, i, packed(s, i) + (1 << ENDS_SHIFT));
}

/** The first long-silence end of day i (in the order they ended) that `pick` maps to a value, or undefined. */
export function findLongEnd<T>(s: RoutineDays, i: number, pick: (minute: number) => T | undefined): T | undefined {
  const at = segmentStart(s, i) + 2 * silenceCount(s, i);
  for (let j = 0, e = endCount(s, i); j < e; j++) {
    const v = pick(numAt(s.pool, at + j) / MINUTE);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Every silence of every day before the current one that is not excluded, oldest first (epoch ms). */
export function forEachLearnedSilence(s: RoutineDays, fn: (start: number, end: number) => void): void {
  const days = dayCount(s) - 1;
  let at = 0;
  for (let i = 0; i < days; i++) {
    const n = silenceCount(s, i);
    if (!isExcluded(s, i)) {
      const base = dayNo(s, i) * DAY;
      for (let j = 0; j < n; j++) fn(numAt(s.pool, at + 2 * j) + base, numAt(s.pool, at + 2 * j + 1) + base);
    }
    at += 2 * n + endCount(s, i);
  }
}

/** Does the pool hold exactly what the table says (for checking a snapshot read back)? */
export function routineDaysValid(s: RoutineDays): boolean {
  const n = numsLength(s.table);
  if (n % DAY_FIELDS !== 0 || s.table.k === 0) return false;
  for (let i = 0; i < n / DAY_FIELDS; i++) {
    const p = packed(s, i);
    if (!Number.isInteger(p) || p < 0 || p >= 2 ** 31 || (p & 0x7ff) >= 1440 || !Number.isFinite(dayNo(s, i))) return false;
  }
  return segmentStart(s, n / DAY_FIELDS) === numsLength(s.pool);
}
