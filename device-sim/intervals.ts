// Half-open time intervals [start, end) in epoch ms, used to say when someone is home and awake.
import type { Rng } from './rng.ts';

export interface Interval {
  start: number;
  end: number;
}

export function contains(list: readonly Interval[], t: number): boolean {
  return list.some((i) => t >= i.start && t < i.end);
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** `from` minus every interval in `cuts`. */
export function subtract(from: readonly Interval[], cuts: readonly Interval[]): Interval[] {
  let out = [...from];
  for (const cut of cuts) {
    const next: Interval[] = [];
    for (const i of out) {
      if (!overlaps(i, cut)) {
        next.push(i);
        continue;
      }
      if (i.start < cut.start) next.push({ start: i.start, end: cut.start });
      if (cut.end < i.end) next.push({ start: cut.end, end: i.end });
    }
    out = next;
  }
  return out;
}

/** A uniformly random instant inside the union of `list`, or undefined when it is empty. */
export function sampleIn(list: readonly Interval[], rng: Rng): number | undefined {
  const total = list.reduce((sum, i) => sum + (i.end - i.start), 0);
  if (total <= 0) return undefined;
  let x = rng.next() * total;
  for (const i of list) {
    const len = i.end - i.start;
    if (x < len) return i.start + x;
    x -= len;
  }
  return undefined;
}
