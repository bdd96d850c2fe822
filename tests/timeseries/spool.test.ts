// The spool's bound on a real SQLite file: raw readings go first, then derived points,
// alert events never; order is kept; it survives reopening the file.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { spoolClassOf } from '../../src/timeseries/schema.ts';
import { tempStore } from '../store/temp-store.ts';

const line = (m: string, i: number) => `${m},meter=m-1 v=${i} ${1000 + i}`;
const entry = (m: string, i: number) => ({ line: line(m, i), cls: spoolClassOf(line(m, i)) });

describe('time-series spool', () => {
  it('classifies lines by measurement', () => {
    expect(spoolClassOf('reading,meter=m-1 total_liters=1 1')).toBe('reading');
    expect(spoolClassOf('alert_event,kind=opened count=1i 1')).toBe('alert');
    expect(spoolClassOf('usage,household=h period="hour" 1')).toBe('derived');
    expect(spoolClassOf('ingest_rejected count=1i 1')).toBe('derived');
  });

  it('when full drops the oldest raw readings first, then derived points, never alert events', () => {
    const { store } = tempStore();
    const s = store.timeseries;
    s.spool([entry('reading', 1), entry('alert_event', 2), entry('usage', 3), entry('reading', 4)], 10, 4);
    expect(s.count()).toBe(4);
    // Two more: readings 1 and 4 make room.
    let r = s.spool([entry('alert_event', 5), entry('usage', 6)], 20, 4);
    expect(r).toEqual({ added: 2, dropped: { reading: 2 } });
    expect(s.head(10).map((x) => x.line)).toEqual([line('alert_event', 2), line('usage', 3), line('alert_event', 5), line('usage', 6)]);
    // No readings left: the oldest derived point goes.
    r = s.spool([entry('alert_event', 7)], 30, 4);
    expect(r.dropped).toEqual({ derived: 1 });
    // Only alerts and one usage left; another alert pushes the usage out, then alerts exceed the bound.
    s.spool([entry('alert_event', 8), entry('alert_event', 9)], 40, 4);
    expect(s.head(10).map((x) => x.line)).toEqual([2, 5, 7, 8, 9].map((i) => line('alert_event', i)));
    // A new reading cannot displace an alert: it is the one dropped.
    r = s.spool([entry('reading', 10)], 50, 4);
    expect(r).toEqual({ added: 0, dropped: { reading: 1 } });
    expect(s.oldestSpooledAt()).toBe(10);
  });

  it('drains in order by id and keeps what is left across a reopen', () => {
    const { store, path } = tempStore();
    store.timeseries.spool([1, 2, 3, 4, 5].map((i) => entry('reading', i)), 100, 1000);
    const first = store.timeseries.head(2);
    expect(first.map((x) => x.line)).toEqual([line('reading', 1), line('reading', 2)]);
    expect(store.timeseries.remove(first[1]!.id)).toBe(2);
    store.close();
    const again = openStore(path);
    try {
      expect(again.timeseries.count()).toBe(3);
      expect(again.timeseries.head(10).map((x) => x.line)).toEqual([3, 4, 5].map((i) => line('reading', i)));
      // ids never go back, so points spooled after a removal still sort after the older ones.
      again.timeseries.remove(again.timeseries.head(10).at(-1)!.id);
      again.timeseries.spool([entry('reading', 6)], 200, 1000);
      expect(again.timeseries.head(10).map((x) => x.line)).toEqual([line('reading', 6)]);
    } finally {
      again.close();
    }
  });
});
