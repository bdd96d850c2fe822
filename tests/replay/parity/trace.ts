import { T0 } from '../../dashboard/helpers.ts';
import { HOUR, MIN, type Line } from './both.ts';
/** A 15-min meter from T0 − 6 h to `end`, 10 L used every hour, each reading arriving 5 s late. */
export function trace(end: number, ts: (t: number) => number = (t) => t): Line[] {
  const lines: Line[] = [];
  let L = 1000, k = 0;
  for (let t = T0 - 6 * HOUR; t <= end; t += 15 * MIN) lines.push({ ts: ts(t), totalLiters: (L += k++ % 4 === 0 ? 10 : 0), receivedAt: t + 5000 });
  return lines;
}
