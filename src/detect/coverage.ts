// Which hours of a day the model actually saw. The real homes drop readings for hours hundreds
// of times a year; a day with a gap still tells everything about the hours it did see, and
// nothing about the others. So the routine records, per learned day, a 24-bit mask of the
// local hours that were observed (readings without a gap, or a gap across which the register
// proves no water was used), and a silence's precedents are counted among the days that saw
// the hour it began in — not among all days, and not only among fully observed days.
import { DAY, HOUR, localMs } from './time.ts';

export const ALL_HOURS = 0xffffff;

/** Set the bits of the local hours that (t0, t1] touches within local day `day`. */
export function coverHours(mask: number, day: number, t0: number, t1: number, off: number): number {
  const start = day * DAY;
  const a = Math.max(localMs(t0, off), start);
  const b = Math.min(localMs(t1, off), start + DAY);
  if (!(b > a)) return mask;
  const h0 = Math.floor((a - start) / HOUR);
  const h1 = Math.min(23, Math.floor((b - 1 - start) / HOUR));
  for (let h = h0; h <= h1; h++) mask |= 1 << h;
  return mask >>> 0;
}

export const coversHour = (mask: number, hour: number): boolean => ((mask >>> hour) & 1) === 1;

export function popcount24(mask: number): number {
  let n = 0;
  for (let m = mask >>> 0; m; m &= m - 1) n++;
  return n;
}
