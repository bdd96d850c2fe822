// Litres in thousandths: a fine meter reports its register to the millilitre (1234.567 L), and a
// float64 for each such value would double what its recent readings cost (issue 12 item 4:
// ≤ 16 KB per connected meter). A column of litres in a nums.ts list of records is kept as whole
// millilitres (integers: the list stays an Int32Array, 4 bytes a value, times beside them) while
// every value in it is one; the first value that is not (finer than a millilitre, or beyond
// ±2,147,483 L) turns the column back into litres, as they came. Both ways are exact.
import { type Nums, numAt, numsLength, numsSet } from './nums.ts';

/** Is x a whole number of millilitres that an Int32 holds as thousandths? */
export function isMilli(x: number): boolean {
  const m = Math.round(x * 1000);
  return m / 1000 === x && (m | 0) === m && (x !== 0 || 1 / x > 0);
}

/** The stored form of `liters` in a column in thousandths (`milli`) or in litres. */
export const toColumn = (milli: boolean, liters: number): number => (milli ? Math.round(liters * 1000) : liters);

/** Litres from a stored value. */
export const fromColumn = (milli: boolean, v: number): number => (milli ? v / 1000 : v);

/** Turn the column `col` of records `stride` long from thousandths back into litres. */
export function columnToLiters(l: Nums, stride: number, col: number): void {
  for (let i = col, n = numsLength(l); i < n; i += stride) numsSet(l, i, numAt(l, i) / 1000);
}

/** total − last, exact in thousandths when both are whole millilitres (1234.567 − 1234.5 is
 *  0.067, not 0.06700000000000728): the usage interval is then whole millilitres too, stored as
 *  compactly as the readings, and sums of intervals carry no binary noise. Otherwise (whole
 *  litres, anything finer) the plain difference, which is exact for whole litres. */
export function litersBetween(total: number, last: number): number {
  const a = Math.round(total * 1000);
  const b = Math.round(last * 1000);
  return a / 1000 === total && b / 1000 === last && Number.isSafeInteger(a) && Number.isSafeInteger(b) ? (a - b) / 1000 : total - last;
}
