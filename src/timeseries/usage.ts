// Which households' hourly and daily usage must be (re)written, and when. Pure: time is
// data. A bucket is due once the household's data has moved past it (a reading in a later
// bucket) or `graceMs` after it ended by the clock. The litres themselves are computed from
// the readings table when the bucket is written (src/store/timeseries.ts), so a late batch
// or a restart only marks the bucket again and the rewrite carries the full value
// (InfluxDB keeps the last write of a series at one timestamp). The marks themselves live in
// memory only: at start the writer marks again, from SQLite, the buckets a crash may have left
// unwritten (src/timeseries/writer.ts markRecentUsage).
import type { UsagePeriod } from './schema.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface UsageBucket {
  household: string;
  period: UsagePeriod;
  start: number;
  end: number;
}

/** The local hour or day holding `ts` (households' local time, e.g. UTC+8 for China). */
export function bucketOf(ts: number, period: UsagePeriod, utcOffsetMinutes: number): { start: number; end: number } {
  const size = period === 'hour' ? HOUR : DAY;
  const off = utcOffsetMinutes * 60_000;
  const start = Math.floor((ts + off) / size) * size - off;
  return { start, end: start + size };
}

export function createUsageTracker(opts: { utcOffsetMinutes: number; graceMs: number }) {
  // household → its dirty buckets (a handful: the current and maybe the previous hour and day).
  const dirty = new Map<string, Map<string, UsageBucket>>();
  let size = 0;

  const take = (households: Iterable<string>, pick: (b: UsageBucket) => boolean): UsageBucket[] => {
    const out: UsageBucket[] = [];
    for (const h of households) {
      const mine = dirty.get(h);
      if (!mine) continue;
      for (const [k, b] of mine) if (pick(b)) (out.push(b), mine.delete(k), size--);
      if (!mine.size) dirty.delete(h);
    }
    return out.sort((a, b) => a.start - b.start || a.household.localeCompare(b.household));
  };

  /** Marks the hour and the day holding `ts` as to be written. */
  const mark = (household: string, ts: number): void => {
    let mine = dirty.get(household);
    if (!mine) dirty.set(household, (mine = new Map()));
    for (const period of ['hour', 'day'] as const) {
      const b = { household, period, ...bucketOf(ts, period, opts.utcOffsetMinutes) };
      const k = `${period}|${b.start}`;
      if (!mine.has(k)) (mine.set(k, b), size++);
    }
  };

  return {
    /** A reading of `household` at `ts` was stored: returns the buckets its data has moved past. */
    note(household: string, ts: number): UsageBucket[] {
      mark(household, ts);
      return take([household], (b) => b.end <= ts);
    },
    /** A stored reading's buckets may be unwritten (at start, after a crash): written by the usual rules. */
    mark,
    /** Buckets that ended at least graceMs before `now`. */
    due(now: number): UsageBucket[] {
      return take([...dirty.keys()], (b) => b.end + opts.graceMs <= now);
    },
    /** Everything still open (written at a clean stop with the litres so far). */
    drainAll(): UsageBucket[] {
      return take([...dirty.keys()], () => true);
    },
    /** Erasure: the household's open buckets are never written. */
    forget(household: string): void {
      size -= dirty.get(household)?.size ?? 0;
      dirty.delete(household);
    },
    pending: () => size,
  };
}
export type UsageTracker = ReturnType<typeof createUsageTracker>;
