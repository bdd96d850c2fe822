// Reference rule "nagano-8h": no use for ≥ 8 h → no-usage; use in every consecutive reading
// interval for ≥ 2 h → surge. The rule of the Nagano (Sakaki town) water-meter watch service.
// Inactivity is measured on the clock from the data time of the last interval that showed
// use; continuity is measured in data time. An interval longer than 2 h cannot show that the
// flow was continuous (a transmission gap), so it breaks the run instead of extending it.
import { HOUR } from '../trace.ts';
import type { Interval, ReferenceRule, RuleAlert } from './driver.ts';

export interface NaganoOptions {
  noUseMs?: number;
  continuousMs?: number;
}

interface MeterState {
  lastUse: number;
  /** The lastUse value a no-usage alert was raised for (one alert per episode). */
  alertedFor?: number;
  /** Start of the current run of consecutive non-zero intervals. */
  runStart?: number;
  surgeRaised: boolean;
}

export function createNagano8h(opts: NaganoOptions = {}): ReferenceRule {
  const noUseMs = opts.noUseMs ?? 8 * HOUR;
  const continuousMs = opts.continuousMs ?? 2 * HOUR;
  const meters = new Map<string, MeterState>();

  const checkNoUse = (meterId: string, s: MeterState, now: number): RuleAlert[] => {
    if (now - s.lastUse < noUseMs || s.alertedFor === s.lastUse) return [];
    s.alertedFor = s.lastUse;
    return [{ meterId, type: 'no-usage' }];
  };

  return {
    start(meterId, ts) {
      meters.set(meterId, { lastUse: ts, surgeRaised: false });
      return [];
    },
    interval(iv: Interval, now) {
      const s = meters.get(iv.meterId)!;
      const out: RuleAlert[] = [];
      if (iv.liters > 0) s.lastUse = Math.max(s.lastUse, iv.ts);
      if (iv.liters > 0 && iv.ts - iv.fromTs <= continuousMs) {
        s.runStart ??= iv.fromTs;
        if (iv.ts - s.runStart >= continuousMs && !s.surgeRaised) {
          s.surgeRaised = true;
          out.push({ meterId: iv.meterId, type: 'surge' });
        }
      } else {
        s.runStart = undefined;
        s.surgeRaised = false;
      }
      out.push(...checkNoUse(iv.meterId, s, now));
      return out;
    },
    tick(now) {
      const out: RuleAlert[] = [];
      for (const [id, s] of meters) out.push(...checkNoUse(id, s, now));
      return out;
    },
  };
}
