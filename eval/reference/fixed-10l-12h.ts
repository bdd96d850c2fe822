// Reference rule "fixed-10L-12h": less than 10 L used in the trailing 12 hours → no-usage.
// The fixed threshold deployed in Shanghai and Shenzhen Longgang elderly-safety water-meter
// schemes. The window ends at the clock (`now`), as a periodic server-side query would; a
// reading's litres count at its data time. One alert per episode: re-armed once the window
// holds ≥ 10 L again.
import { HOUR } from '../trace.ts';
import type { Interval, ReferenceRule, RuleAlert } from './driver.ts';

export interface Fixed10LOptions {
  windowMs?: number;
  minLiters?: number;
}

interface MeterState {
  firstTs: number;
  /** Uses still inside the window, oldest first; `head` skips the expired ones. */
  uses: { ts: number; liters: number }[];
  head: number;
  sum: number;
  armed: boolean;
}

export function createFixed10L12h(opts: Fixed10LOptions = {}): ReferenceRule {
  const windowMs = opts.windowMs ?? 12 * HOUR;
  const minLiters = opts.minLiters ?? 10;
  const meters = new Map<string, MeterState>();

  const evaluate = (meterId: string, s: MeterState, now: number): RuleAlert[] => {
    while (s.head < s.uses.length && s.uses[s.head]!.ts <= now - windowMs) s.sum -= s.uses[s.head++]!.liters;
    if (s.head > 1024 && s.head * 2 > s.uses.length) {
      s.uses = s.uses.slice(s.head);
      s.head = 0;
    }
    if (s.sum >= minLiters) s.armed = true;
    if (now - s.firstTs < windowMs || s.sum >= minLiters || !s.armed) return [];
    s.armed = false;
    return [{ meterId, type: 'no-usage' }];
  };

  return {
    start(meterId, ts) {
      meters.set(meterId, { firstTs: ts, uses: [], head: 0, sum: 0, armed: true });
      return [];
    },
    interval(iv: Interval, now) {
      const s = meters.get(iv.meterId)!;
      if (iv.liters > 0) {
        s.uses.push({ ts: iv.ts, liters: iv.liters });
        s.sum += iv.liters;
      }
      return evaluate(iv.meterId, s, now);
    },
    tick(now) {
      const out: RuleAlert[] = [];
      for (const [id, s] of meters) out.push(...evaluate(id, s, now));
      return out;
    },
  };
}
