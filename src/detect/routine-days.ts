// Storage of the routine's learned days (routine.ts decides what is learned; deadline.ts reads
// it only through comparableDayCount and forEachLearnedSilence). Four weeks of days as objects with a JS array of
// epoch-ms silences each cost about 17 KB per meter; here they are two compact lists (nums.ts):
//   table: one record of DAY_FIELDS values per day, oldest first; the last is the current day;
//   pool:  each day's silences (start, end pairs, ms relative to the day's UTC midnight
//          day × DAY, so a changed time-zone setting does not move them) followed by the ends
//          of its long silences (ms after local midnight, whole minutes), day after day.
// Usually both are whole minutes or whole ms and take 2–4 bytes a value; any other value
// widens the list, so what is read back is always exactly what was stored.
import { type Nums, nums, numAt, numsDropFront, numsInsert, numsLength, numsPush, numsSet } from './nums.ts';
import { ALL_HOURS, coversHour } from './coverage.ts';
import { DAY, MINUTE } from './time.ts';

export interface RoutineDays {
  table: Nums;
  pool: Nums;
}

/** Fields of a day record. The table is a minutes list (nums.ts kind 0): the ms fields take
 *  2 bytes while they are whole minutes, and the small integers (day index, midpoint minute,
 *  flag, counts) are stored times MINUTE so they do too; anything else widens the list. */
const DAY_NO = 0;
const OBSERVED = 1;
const LONGEST = 2;
const MID_MIN = 3;
const EXCLUDED = 4;
const SILENCES = 5;
const ENDS = 6;
/** The 24-bit mask of the local hours the day observed (coverage.ts), as two 12-bit halves:
 *  each is a small integer (< 4096), so the table stays a 2-byte minutes list (the whole mask
 *  times MINUTE would widen it to doubles). */
const HOURS_LO = 7;
const HOURS_HI = 8;
export const DAY_FIELDS = 9;
/** The fields of format-2 snapshots written before the hour masks (meter-state-schema.ts). */
export const DAY_FIELDS_BEFORE_HOURS = 7;

export const createRoutineDays = (): RoutineDays => ({ table: nums(0), pool: nums(0) });

const field = (s: RoutineDays, i: number, f: number): number => numAt(s.table, i * DAY_FIELDS + f);
const small = (s: RoutineDays, i: number, f: number): number => numAt(s.table, i * DAY_FIELDS + f) / MINUTE;
const setSmall = (s: RoutineDays, i: number, f: number, v: number): void => numsSet(s.table, i * DAY_FIELDS + f, v * MINUTE);

export const dayCount = (s: RoutineDays): number => numsLength(s.table) / DAY_FIELDS;
export const dayNo = (s: RoutineDays, i: number): number => small(s, i, DAY_NO);
export const observedMs = (s: RoutineDays, i: number): number => field(s, i, OBSERVED);
export const longestMs = (s: RoutineDays, i: number): number => field(s, i, LONGEST);
export const longestMidMin = (s: RoutineDays, i: number): number => small(s, i, MID_MIN);
export const isExcluded = (s: RoutineDays, i: number): boolean => small(s, i, EXCLUDED) !== 0;
const silenceCount = (s: RoutineDays, i: number): number => small(s, i, SILENCES);
const endCount = (s: RoutineDays, i: number): number => small(s, i, ENDS);
/** Bit h: local hour h of day i was observed (coverage.ts). */
export const observedHours = (s: RoutineDays, i: number): number => (small(s, i, HOURS_LO) | (small(s, i, HOURS_HI) << 12)) >>> 0;

export function addObserved(s: RoutineDays, i: number, ms: number): void {
  numsSet(s.table, i * DAY_FIELDS + OBSERVED, observedMs(s, i) + ms);
}
export function setLongest(s: RoutineDays, i: number, ms: number, midMin: number): void {
  numsSet(s.table, i * DAY_FIELDS + LONGEST, ms);
  setSmall(s, i, MID_MIN, midMin);
}
export function setExcluded(s: RoutineDays, i: number): void {
  setSmall(s, i, EXCLUDED, 1);
}
export function setObservedHours(s: RoutineDays, i: number, mask: number): void {
  setSmall(s, i, HOURS_LO, mask & 0xfff);
  setSmall(s, i, HOURS_HI, (mask >>> 12) & 0xfff);
}

/** Start of day i's segment in the pool (its silences, then its long ends). */
function segmentStart(s: RoutineDays, i: number): number {
  let at = 0;
  for (let j = 0; j < i; j++) at += 2 * silenceCount(s, j) + endCount(s, j);
  return at;
}

/** A new (current) day at the end. */
export function pushDay(s: RoutineDays, day: number): void {
  numsPush(s.table, day * MINUTE);
  for (let f = 1; f < DAY_FIELDS; f++) numsPush(s.table, 0);
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
  setSmall(s, i, SILENCES, n + 1);
}

/** A long silence ended on day i at local minute `minute`. */
export function pushLongEnd(s: RoutineDays, i: number, minute: number): void {
  numsInsert(s.pool, segmentStart(s, i) + 2 * silenceCount(s, i) + endCount(s, i), minute * MINUTE);
  setSmall(s, i, ENDS, endCount(s, i) + 1);
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

/** Day i (epoch ms), as [start, end, …]: its completed silences (for tests and tools). */
export function silencesOf(s: RoutineDays, i: number): number[] {
  const at = segmentStart(s, i);
  const base = dayNo(s, i) * DAY;
  const out: number[] = [];
  for (let j = 0, n = 2 * silenceCount(s, i); j < n; j++) out.push(numAt(s.pool, at + j) + base);
  return out;
}

/** A learned day that can be a precedent for a silence that began in local hour `hour`: before
 *  the current day, not excluded, and it saw that hour (a day with a gap then says nothing). */
const comparable = (s: RoutineDays, i: number, hour: number): boolean => !isExcluded(s, i) && coversHour(observedHours(s, i), hour);

/** How many learned days saw local hour `hour` (the precedents' sample size). */
export function comparableDayCount(s: RoutineDays, hour: number): number {
  let n = 0;
  for (let i = 0, days = dayCount(s) - 1; i < days; i++) if (comparable(s, i, hour)) n++;
  return n;
}

/** Every silence of every learned day that saw local hour `hour`, oldest first (epoch ms). */
export function forEachLearnedSilence(s: RoutineDays, hour: number, fn: (start: number, end: number) => void): void {
  const days = dayCount(s) - 1;
  let at = 0;
  for (let i = 0; i < days; i++) {
    const n = silenceCount(s, i);
    if (comparable(s, i, hour)) {
      const base = dayNo(s, i) * DAY;
      for (let j = 0; j < n; j++) fn(numAt(s.pool, at + 2 * j) + base, numAt(s.pool, at + 2 * j + 1) + base);
    }
    at += 2 * n + endCount(s, i);
  }
}

/** A table of format-2 records before the hour masks, with every hour observed appended to
 *  each record (the days were learned whole then); null when it is not such a table. */
export function withAllHours(table: Nums): Nums | null {
  const n = numsLength(table);
  if (n % DAY_FIELDS_BEFORE_HOURS !== 0) return null;
  const out = nums(table.k, (n / DAY_FIELDS_BEFORE_HOURS) * DAY_FIELDS);
  for (let i = 0; i < n; i++) {
    numsPush(out, numAt(table, i));
    if (i % DAY_FIELDS_BEFORE_HOURS === DAY_FIELDS_BEFORE_HOURS - 1) for (const half of [ALL_HOURS & 0xfff, ALL_HOURS >>> 12]) numsPush(out, half * MINUTE);
  }
  return out;
}

/** Does the pool hold exactly what the table says (for checking a snapshot read back)? */
export function routineDaysValid(s: RoutineDays): boolean {
  const n = numsLength(s.table);
  if (n % DAY_FIELDS !== 0) return false;
  const count = (v: number) => Number.isInteger(v) && v >= 0;
  for (let i = 0; i < n / DAY_FIELDS; i++) {
    const mid = longestMidMin(s, i);
    if (!Number.isInteger(dayNo(s, i)) || !count(mid) || mid >= 1440 || !count(silenceCount(s, i)) || !count(endCount(s, i))) return false;
    if (small(s, i, EXCLUDED) !== 0 && small(s, i, EXCLUDED) !== 1) return false;
    for (const f of [HOURS_LO, HOURS_HI]) if (!count(small(s, i, f)) || small(s, i, f) > 0xfff) return false;
  }
  return segmentStart(s, n / DAY_FIELDS) === numsLength(s.pool);
}
