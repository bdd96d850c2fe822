// Reference rule "cuddihy-p97", after Cuddihy et al. 2007, "Algorithm to automatically detect
// abnormally long periods of inactivity in a home": for each 30-minute slot of the local day,
// the threshold is the 97th percentile, over the household's past days, of the inactivity
// (time since last use) observed in that slot; alert when the current inactivity exceeds the
// threshold of the current slot. Learned online from completed days only; a slot needs ≥ 7 days
// of history before it can alert. Inactivity is sampled at every reading and tick (5 min), and a
// day contributes its largest sample per slot.
import { percentile } from '../stats.ts';
import { DAY, HOUR, MINUTE } from '../trace.ts';
import type { Interval, ReferenceRule, RuleAlert } from './driver.ts';

export interface CuddihyOptions {
  /** Local time offset from UTC; China Standard Time by default. */
  utcOffsetMs?: number;
  slotMs?: number;
  percentile?: number;
  minHistoryDays?: number;
  /** Added to every learned threshold; 0 = the plain percentile. */
  bufferMs?: number;
}

interface MeterState {
  lastUse: number;
  alertedFor?: number;
  day: number;
  /** Largest inactivity sampled in each slot of `day` (NaN: no sample). */
  today: Float64Array;
  /** Per slot, the largest inactivity of each completed day. */
  history: number[][];
  /** Per slot, the learned threshold (undefined until enough history). */
  thresholds: (number | undefined)[];
}

export function createCuddihyP97(opts: CuddihyOptions = {}): ReferenceRule & { thresholds(meterId: string): (number | undefined)[] } {
  const offset = opts.utcOffsetMs ?? 8 * HOUR;
  const slotMs = opts.slotMs ?? 30 * MINUTE;
  const p = opts.percentile ?? 97;
  const minDays = opts.minHistoryDays ?? 7;
  const buffer = opts.bufferMs ?? 0;
  const slots = Math.round(DAY / slotMs);
  const meters = new Map<string, MeterState>();

  const localDay = (t: number): number => Math.floor((t + offset) / DAY);
  const slotOf = (t: number): number => Math.floor((((t + offset) % DAY) + DAY) % DAY / slotMs);

  const closeDay = (s: MeterState): void => {
    s.today.forEach((v, slot) => {
      if (Number.isNaN(v)) return;
      const h = s.history[slot]!;
      h.push(v);
      if (h.length >= minDays) s.thresholds[slot] = percentile([...h].sort((a, b) => a - b), p) + buffer;
    });
    s.today.fill(Number.NaN);
  };

  const sample = (meterId: string, s: MeterState, now: number): RuleAlert[] => {
    const day = localDay(now);
    if (day !== s.day) {
      closeDay(s);
      s.day = day;
    }
    const slot = slotOf(now);
    const inactivity = now - s.lastUse;
    if (!(s.today[slot]! >= inactivity)) s.today[slot] = inactivity;
    const threshold = s.thresholds[slot];
    if (threshold === undefined || inactivity <= threshold || s.alertedFor === s.lastUse) return [];
    s.alertedFor = s.lastUse;
    return [{ meterId, type: 'no-usage' }];
  };

  return {
    start(meterId, ts, now) {
      const s: MeterState = {
        lastUse: ts,
        day: localDay(now),
        today: new Float64Array(slots).fill(Number.NaN),
        history: Array.from({ length: slots }, () => []),
        thresholds: new Array<number | undefined>(slots).fill(undefined),
      };
      meters.set(meterId, s);
      return sample(meterId, s, now);
    },
    interval(iv: Interval, now) {
      const s = meters.get(iv.meterId)!;
      if (iv.liters > 0) s.lastUse = Math.max(s.lastUse, iv.ts);
      return sample(iv.meterId, s, now);
    },
    tick(now) {
      const out: RuleAlert[] = [];
      for (const [id, s] of meters) out.push(...sample(id, s, now));
      return out;
    },
    thresholds(meterId) {
      return [...(meters.get(meterId)?.thresholds ?? [])];
    },
  };
}
