// When a household's hourly and daily usage is due (pure; time is data).
import { describe, expect, it } from 'vitest';
import { bucketOf, createUsageTracker } from '../../src/timeseries/usage.ts';

const local = (s: string) => Date.parse(`${s}+08:00`);

describe('usage buckets', () => {
  it('cut hours and days in the households’ local time', () => {
    expect(bucketOf(local('2026-03-02T23:59:59'), 'day', 480)).toEqual({ start: local('2026-03-02T00:00:00'), end: local('2026-03-03T00:00:00') });
    expect(bucketOf(local('2026-03-03T00:00:00'), 'day', 480).start).toBe(local('2026-03-03T00:00:00'));
    expect(bucketOf(local('2026-03-02T07:30:00'), 'hour', 480)).toEqual({ start: local('2026-03-02T07:00:00'), end: local('2026-03-02T08:00:00') });
  });

  it('are due when the household’s data moves past them, or by the clock after the grace', () => {
    const t = createUsageTracker({ utcOffsetMinutes: 480, graceMs: 10 * 60_000 });
    expect(t.note('h-1', local('2026-03-02T07:10:00'))).toEqual([]);
    expect(t.note('h-2', local('2026-03-02T07:20:00'))).toEqual([]);
    // h-1's next reading is in the next hour: its 07:00 hour is due, h-2's is not.
    expect(t.note('h-1', local('2026-03-02T08:05:00'))).toEqual([{ household: 'h-1', period: 'hour', start: local('2026-03-02T07:00:00'), end: local('2026-03-02T08:00:00') }]);
    expect(t.due(local('2026-03-02T08:09:59'))).toEqual([]);
    expect(t.due(local('2026-03-02T08:10:00')).map((b) => [b.household, b.period])).toEqual([['h-2', 'hour']]);
    // A late batch for an hour already written marks it again (the rewrite carries the full value).
    expect(t.note('h-2', local('2026-03-02T07:40:00'))).toEqual([]);
    expect(t.due(local('2026-03-02T09:10:00')).map((b) => [b.household, b.start])).toEqual([
      ['h-2', local('2026-03-02T07:00:00')],
      ['h-1', local('2026-03-02T08:00:00')],
    ]);
    // The days close with the day; a clean stop writes whatever is open.
    expect(t.pending()).toBe(2);
    expect(t.drainAll().map((b) => [b.household, b.period])).toEqual([['h-1', 'day'], ['h-2', 'day']]);
    expect(t.pending()).toBe(0);
  });
});
