// The household page's chart axes: ticks on whole buckets (src/web/public/ticks.js). uPlot's own
// splits on the numeric x scale fell between the hours, and the 24-hour chart was labelled
// 20:00 22:00 23:00 00:00 02:00 03:00 … (each label the hour its tick happened to fall in). And
// the x range, half a bucket past each end, so the bars at the ends are drawn whole (in the
// browser: tests/browser/dashboard.test.ts, the latest bar at 375 and 1280 px).
import { describe, expect, it } from 'vitest';
// @ts-expect-error a browser module without types (served as is to the dashboard)
import { bucketRange, bucketTicks } from '../../src/web/public/ticks.js';

const HOUR_S = 3600;
const hours = (n: number, from = 1_767_225_600) => Array.from({ length: n }, (_, i) => from + i * HOUR_S);

describe('chart ticks on whole buckets', () => {
  it('24 hourly buckets at desktop width: every 2 hours, evenly, the latest labelled', () => {
    const xs = hours(24);
    const ticks: number[] = bucketTicks(xs, 1100);
    expect(ticks.at(-1)).toBe(xs.at(-1));
    for (const t of ticks) expect(xs).toContain(t);
    const gaps = new Set(ticks.slice(1).map((t, i) => t - ticks[i]!));
    expect([...gaps]).toEqual([2 * HOUR_S]);
  });

  it('on a phone the same chart keeps even steps, fewer of them (at least 56 px apart)', () => {
    const xs = hours(24);
    const ticks: number[] = bucketTicks(xs, 300);
    expect(ticks.length).toBeLessThanOrEqual(Math.floor(300 / 56));
    expect(new Set(ticks.slice(1).map((t, i) => t - ticks[i]!)).size).toBe(1);
    expect(ticks.at(-1)).toBe(xs.at(-1));
  });

  it('seven daily buckets: every day', () => {
    const xs = Array.from({ length: 7 }, (_, i) => 1_767_225_600 + i * 86_400);
    expect(bucketTicks(xs, 1100)).toEqual(xs);
    expect(bucketTicks([], 1100)).toEqual([]);
    expect(bucketTicks([5], 1100)).toEqual([5]);
  });
});

describe('the x range', () => {
  it('reaches half a bucket past the first and the latest, where uPlot centres their bars', () => {
    const xs = hours(24);
    expect(bucketRange(xs, HOUR_S)).toEqual([xs[0]! - HOUR_S / 2, xs.at(-1)! + HOUR_S / 2]);
    expect(bucketRange([100], 86_400)).toEqual([100 - 43_200, 100 + 43_200]);
    expect(bucketRange([], 3600)).toEqual([0, 3600]);
  });
});
