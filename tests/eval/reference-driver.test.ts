import { describe, expect, it } from 'vitest';
import { runRule, type Interval, type ReferenceRule } from '../../eval/reference/driver.ts';
import { iso, MINUTE, type TraceLine } from '../../eval/trace.ts';
import { at } from './helpers.ts';

/** A rule that alerts nothing and records what it was fed. */
function recorder() {
  const seen = { starts: [] as number[], intervals: [] as (Interval & { now: number })[], ticks: [] as number[] };
  const rule: ReferenceRule = {
    start: (_, ts) => (seen.starts.push(ts), []),
    interval: (iv, now) => (seen.intervals.push({ ...iv, now }), []),
    tick: (now) => (seen.ticks.push(now), []),
  };
  return { rule, seen };
}
const line = (min: number, total: number, receivedMin?: number, meterId = 'm1'): TraceLine => ({
  meterId,
  ts: iso(at(min)),
  totalLiters: total,
  ...(receivedMin === undefined ? {} : { receivedAt: iso(at(receivedMin)) }),
});

describe('runRule', () => {
  it('ticks every 5 minutes of arrival time between lines, and up to --until', () => {
    const { rule, seen } = recorder();
    runRule(rule, [line(0, 0), line(20, 0)], { until: at(30) });
    expect(seen.ticks.map((t) => (t - at(0)) / MINUTE)).toEqual([0, 5, 10, 15, 20, 25, 30]);
  });

  it('ticks a boundary that equals an arrival after the readings that arrived then', () => {
    const order: string[] = [];
    const rule: ReferenceRule = {
      start: () => (order.push('start'), []),
      interval: (iv) => (order.push(`reading ${(iv.ts - at(0)) / MINUTE}`), []),
      tick: (now) => (order.push(`tick ${(now - at(0)) / MINUTE}`), []),
    };
    runRule(rule, [line(0, 0), line(3, 1), line(5, 2), line(7, 3)]);
    expect(order).toEqual(['start', 'tick 0', 'reading 3', 'reading 5', 'tick 5', 'reading 7']);
  });

  it('uses receivedAt as the clock for batched readings', () => {
    const { rule, seen } = recorder();
    runRule(rule, [line(0, 0, 60), line(15, 5, 60), line(30, 5, 60)]);
    expect(seen.intervals.map((i) => i.now)).toEqual([at(60), at(60)]);
    expect(seen.ticks).toEqual([at(60)]);
  });

  it('computes use naively: positive differences, negative ignored (new baseline), jumps count', () => {
    const { rule, seen } = recorder();
    runRule(rule, [line(0, 100), line(1, 110), line(2, 105), line(3, 120), line(4, 50_120), line(5, 120)]);
    expect(seen.intervals.map((i) => i.liters)).toEqual([10, 0, 15, 50_000, 0]);
    expect(seen.intervals[0]).toMatchObject({ meterId: 'm1', fromTs: at(0), ts: at(1) });
  });

  it('drops duplicate and out-of-order readings of a meter, keeps meters apart', () => {
    const { rule, seen } = recorder();
    runRule(rule, [line(0, 0), line(1, 5), line(1, 5), line(0, 0), line(1, 7, undefined, 'm2'), line(2, 9)]);
    expect(seen.starts).toEqual([at(0), at(1)]);
    expect(seen.intervals.map((i) => [i.meterId, i.liters])).toEqual([['m1', 5], ['m1', 4]]);
  });
});
