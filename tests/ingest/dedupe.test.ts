import { describe, expect, it } from 'vitest';
import type { Reading } from '../../src/domain/reading.ts';
import { RecentReadings } from '../../src/ingest/index.ts';

const r = (ts: number, totalLiters = ts, meterId = 'm-1'): Reading => ({ meterId, ts, totalLiters, receivedAt: 0 });

describe('RecentReadings', () => {
  it('drops readings it remembers and repeats inside one call', () => {
    const d = new RecentReadings();
    d.remember([r(1), r(2)]);
    const { fresh, duplicates } = d.unseen([r(2), r(3), r(3), r(1)]);
    expect(fresh).toEqual([r(3)]);
    expect(duplicates).toBe(3);
  });

  it('one-reading messages (their own path): a remembered one is a duplicate, any other is fresh', () => {
    const d = new RecentReadings();
    d.remember([r(1)]);
    expect(d.unseen([r(1)])).toEqual({ fresh: [], duplicates: 1 });
    expect(d.unseen([r(1, 7)])).toEqual({ fresh: [r(1, 7)], duplicates: 0 });
    expect(d.unseen([r(1, 1, 'm-2')])).toEqual({ fresh: [r(1, 1, 'm-2')], duplicates: 0 });
  });

  it('passes a same-ts reading with a different register value, and older readings it never saw', () => {
    const d = new RecentReadings();
    d.remember([r(10, 100)]);
    expect(d.unseen([r(10, 101), r(5)]).fresh).toEqual([r(10, 101), r(5)]);
  });

  it('does not remember what unseen() returned until remember() is called', () => {
    const d = new RecentReadings();
    expect(d.unseen([r(1)]).fresh).toHaveLength(1);
    expect(d.unseen([r(1)]).fresh).toHaveLength(1);
  });

  it('keeps meters apart', () => {
    const d = new RecentReadings();
    d.remember([r(1, 1, 'a')]);
    expect(d.unseen([r(1, 1, 'b')]).fresh).toHaveLength(1);
  });

  it('forgets the oldest pairs beyond perMeter', () => {
    const d = new RecentReadings({ perMeter: 3 });
    d.remember([r(1), r(2), r(3), r(4)]);
    expect(d.unseen([r(1), r(2), r(3), r(4)]).fresh).toEqual([r(1)]);
  });

  it('forgets the least recently heard meter beyond maxMeters', () => {
    const d = new RecentReadings({ maxMeters: 2 });
    d.remember([r(1, 1, 'a')]);
    d.remember([r(1, 1, 'b')]);
    d.remember([r(2, 2, 'a')]); // a is now more recent than b
    d.remember([r(1, 1, 'c')]); // evicts b
    expect(d.unseen([r(1, 1, 'a'), r(1, 1, 'b'), r(1, 1, 'c')]).fresh).toEqual([r(1, 1, 'b')]);
  });

  it('evicts in exactly least-recently-heard order, whichever meter was heard again (oldest, middle or newest)', () => {
    // A pseudo-random sequence against a plain model of the order (a list, most recent last).
    const d = new RecentReadings({ maxMeters: 4 });
    const model: string[] = [];
    const last = new Map<string, number>();
    const meters = ['a', 'b', 'c', 'd', 'e', 'f'];
    let seed = 7;
    for (let step = 1; step <= 400; step++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const id = meters[(seed >>> 8) % meters.length]!;
      d.remember([r(step, step, id)]);
      last.set(id, step);
      if (model.includes(id)) model.splice(model.indexOf(id), 1);
      else if (model.length === 4) model.shift();
      model.push(id);
      // unseen() does not mark a meter heard, so asking does not disturb the order.
      for (const m of meters) {
        const ts = last.get(m);
        if (ts !== undefined) expect(d.unseen([r(ts, ts, m)]).duplicates, `${m} at step ${step}`).toBe(model.includes(m) ? 1 : 0);
      }
    }
  });

  it.each([{ perMeter: 0 }, { maxMeters: 1.5 }])('rejects bad options %j at construction', (opts) => {
    expect(() => new RecentReadings(opts)).toThrow(/expected a positive integer/);
  });
});
