// Compact, exact lists of numbers for the per-meter state (issue 12: ≤ 16 KB per connected
// meter). A JS array of doubles costs 8 bytes a value plus growth slack, an object per record
// far more; most of what a meter keeps is whole milliseconds or whole minutes. A list stores
// its values in the narrowest typed array that holds every one of them *exactly*, and widens
// itself (never narrows) when a value does not fit, so no input is ever rounded:
//   kind 0: whole minutes in an Int16Array (value / MINUTE, |v| ≤ 22 days): times of day;
//   kind 1: an Int32Array (whole ms within ±24 days, counts, litres of coarse registers);
//   kind 2: a Float64Array (anything, NaN and -0 included).
// Values live in a[h..n): dropping from the front moves `h`, and the live part is moved down
// only once the dead part is at least a quarter as long (amortised O(1) for rings).
// Plain data (typed arrays and numbers): snapshots encode it as it is (snapshot-codec.ts).

export type NumsKind = 0 | 1 | 2;

export interface Nums {
  a: Int16Array | Int32Array | Float64Array;
  /** First live index and end of the live values in `a`. */
  h: number;
  n: number;
  k: NumsKind;
}

const MINUTE = 60_000;
const EMPTY = [new Int16Array(0), new Int32Array(0), new Float64Array(0)] as const;
const make = (k: NumsKind, cap: number): Nums['a'] => (cap === 0 ? EMPTY[k] : k === 0 ? new Int16Array(cap) : k === 1 ? new Int32Array(cap) : new Float64Array(cap));

/** An empty list of kind `k` (0: minutes, 1: int32, 2: float64); `cap` values are allocated up front. */
export const nums = (k: NumsKind, cap = 0): Nums => ({ a: make(k, cap), h: 0, n: 0, k });

const notNegZero = (x: number): boolean => x !== 0 || 1 / x > 0;

/** Does x fit kind k exactly? */
function fits(k: NumsKind, x: number): boolean {
  if (k === 2) return true;
  if (k === 1) return (x | 0) === x && notNegZero(x);
  const q = x / MINUTE;
  return (q | 0) === q && q >= -32768 && q <= 32767 && notNegZero(x);
}

/** The stored form of x (x fits l.k). */
const enc = (k: NumsKind, x: number): number => (k === 0 ? x / MINUTE : x);

export const numsLength = (l: Nums): number => l.n - l.h;

/** The i-th live value. */
export const numAt = (l: Nums, i: number): number => (l.k === 0 ? l.a[l.h + i]! * MINUTE : l.a[l.h + i]!);

/** Reallocate with room for `cap` live values, in the kind that also holds `x`. */
function realloc(l: Nums, cap: number, x: number): void {
  let k = l.k;
  while (!fits(k, x)) k = (k + 1) as NumsKind;
  const len = l.n - l.h;
  const a = make(k, cap);
  if (k === l.k) a.set(l.a.subarray(l.h, l.n));
  else for (let i = 0; i < len; i++) a[i] = enc(k, numAt(l, i));
  l.a = a;
  l.k = k;
  l.h = 0;
  l.n = len;
}

/** Make room for one more value at the end, and for x in the kind. */
function room(l: Nums, x: number): void {
  const fit = fits(l.k, x);
  if (fit && l.n < l.a.length) return;
  const len = l.n - l.h;
  if (fit && l.h > 0 && 4 * l.h >= len) {
    l.a.copyWithin(0, l.h, l.n);
    l.n = len;
    l.h = 0;
    return;
  }
  // Grown by a quarter: the lists are long-lived and mostly bounded, so slack costs more than copies.
  realloc(l, l.n < l.a.length ? l.a.length : len + (len >> 2) + 4, x);
}

export function numsPush(l: Nums, x: number): void {
  room(l, x);
  l.a[l.n++] = enc(l.k, x);
}

export function numsSet(l: Nums, i: number, x: number): void {
  if (!fits(l.k, x)) realloc(l, l.a.length, x);
  l.a[l.h + i] = enc(l.k, x);
}

/** Insert x before the i-th live value. */
export function numsInsert(l: Nums, i: number, x: number): void {
  room(l, x);
  const at = l.h + i;
  l.a.copyWithin(at + 1, at, l.n);
  l.n++;
  l.a[at] = enc(l.k, x);
}

/** Drop `count` values from the front. */
export function numsDropFront(l: Nums, count: number): void {
  l.h += count;
  if (l.h >= l.n) l.h = l.n = 0;
}

/** Remove `count` values starting at the i-th live one. */
export function numsRemove(l: Nums, i: number, count: number): void {
  if (i === 0) return numsDropFront(l, count);
  const at = l.h + i;
  l.a.copyWithin(at, at + count, l.n);
  l.n -= count;
}

/**
 * Records of `stride` values whose columns `cols` hold times relative to a base: shift those
 * times so the first record's first one is 0, and return the shift (the caller adds it to its
 * base). Exact for whole ms (meter timestamps are); a list holding any other time is left as
 * it is and 0 returned (it is a Float64Array then, and nearby times differ exactly).
 */
export function numsRebase(l: Nums, stride: number, cols: readonly number[]): number {
  const n = l.n - l.h;
  for (let i = 0; i < n; i += stride) for (const c of cols) if (!Number.isSafeInteger(numAt(l, i + c))) return 0;
  const first = n ? numAt(l, cols[0]!) : 0;
  if (first !== 0) for (let i = 0; i < n; i += stride) for (const c of cols) numsSet(l, i + c, numAt(l, i + c) - first);
  return first;
}

export function numsClear(l: Nums): void {
  l.h = l.n = 0;
}

export function numsToArray(l: Nums): number[] {
  const out = new Array<number>(l.n - l.h);
  for (let i = 0; i < out.length; i++) out[i] = numAt(l, i);
  return out;
}

let scratch = new Float64Array(32);
/** The median as the detector takes it (the upper middle of the sorted values), without
 *  allocating: the lists it is taken of are short and taken per reading. */
export function numsMedian(l: Nums): number {
  const n = l.n - l.h;
  if (scratch.length < n) scratch = new Float64Array(2 * n);
  const s = scratch;
  // Insertion sort: a handful of values (the middle value is the same whatever the sort).
  for (let i = 0; i < n; i++) {
    const x = numAt(l, i);
    let j = i;
    while (j > 0 && s[j - 1]! > x) s[j] = s[--j]!;
    s[j] = x;
  }
  return s[Math.floor(n / 2)]!;
}

/** A list of the values, in the narrowest kind from `k` on (for building state from plain arrays). */
export function numsOf(k: NumsKind, xs: readonly number[]): Nums {
  const l = nums(k);
  let kind = k;
  for (const x of xs) while (!fits(kind, x)) kind = (kind + 1) as NumsKind;
  l.k = kind;
  l.a = make(kind, xs.length);
  for (const x of xs) l.a[l.n++] = enc(kind, x);
  return l;
}

/** An exact-size copy of the live values (what a snapshot keeps: no slack, no dead front). */
export const numsCompact = (l: Nums): Nums => ({ a: l.n - l.h === 0 ? EMPTY[l.k] : l.a.slice(l.h, l.n), h: 0, n: l.n - l.h, k: l.k });

/** Is this a well-formed list (for checking a snapshot read back)? */
export function numsValid(l: Nums): boolean {
  const want = l.k === 0 ? Int16Array : l.k === 1 ? Int32Array : l.k === 2 ? Float64Array : null;
  return want !== null && l.a instanceof want && Number.isInteger(l.h) && Number.isInteger(l.n) && 0 <= l.h && l.h <= l.n && l.n <= l.a.length;
}
