// Periodic work in steps of a few ms per event-loop turn (issue 12.5): the step size follows
// the measured cost, the work finishes, and the readings prune deletes only what is old,
// oldest first. Time is injected (a clock the step advances) and turns are counted.
import { describe, expect, it } from 'vitest';
import { runSliced } from '../../src/jobs/sliced.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, T0, tempStore } from '../store/temp-store.ts';

describe('runSliced', () => {
  it('sizes each step from the cost per item, so a step stays near the budget, and finishes', async () => {
    let t = 0;
    let left = 10_000;
    const sizes: number[] = [];
    let turns = 0;
    const r = await runSliced(
      (limit) => {
        const n = Math.min(limit, left);
        left -= n;
        t += n * 0.01; // 10 µs per item: a 4 ms budget is 400 items
        sizes.push(limit);
        return n;
      },
      { budgetMs: 4, initial: 50, now: () => t, yieldTurn: (next) => (turns++, next()) },
    );
    expect(r.done).toBe(10_000);
    expect(left).toBe(0);
    expect(sizes.slice(0, 4)).toEqual([50, 100, 200, 400]); // at most doubling, then held at the budget
    expect(Math.max(...sizes)).toBe(400);
    expect(r.longestStepMs).toBeLessThanOrEqual(4);
    expect(turns).toBe(r.steps - 1);
  });

  it('rejects when a step throws, after the steps before it', async () => {
    let calls = 0;
    await expect(
      runSliced(
        (limit) => {
          if (++calls === 3) throw new Error('SQLITE_BUSY');
          return limit;
        },
        { budgetMs: 4, yieldTurn: (next) => next() },
      ),
    ).rejects.toThrow('SQLITE_BUSY');
    expect(calls).toBe(3);
  });
});

describe('readings prune in slices', () => {
  const r = (meterId: string, ts: number): Reading => ({ meterId, ts, totalLiters: 1, receivedAt: ts });

  it('deletes at most `limit` rows per call, oldest first, and never a reading at or after the cut-off', async () => {
    const { store } = tempStore();
    const rows: Reading[] = [];
    for (let h = 0; h < 50; h++) for (const m of ['m-1', 'm-2', 'm-3']) rows.push(r(m, T0 + h * HOUR));
    store.readings.addMany(rows);
    const cut = T0 + 40 * HOUR;
    expect(store.readings.pruneSome(cut, 7)).toBe(7);
    expect(store.readings.recent('m-1', 100).at(-1)!.ts).toBeGreaterThan(T0); // the oldest went first
    const res = await runSliced((limit) => store.readings.pruneSome(cut, limit), { budgetMs: 4, initial: 5 });
    expect(7 + res.done).toBe(120);
    expect(res.steps).toBeGreaterThan(1);
    for (const m of ['m-1', 'm-2', 'm-3']) expect(store.readings.recent(m, 100).map((x) => x.ts)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + (49 - i) * HOUR));
  });
});
