// Traces for the replay tests, built from the detector timeline scenarios.
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, MIN, at, batch, dropGap, glitch, household } from '../detect/timeline.ts';

export const iso = (t: number): string => new Date(t).toISOString();

/** One JSONL line per reading in the README trace format; receivedAt only when it differs. */
export const toJsonl = (rs: Reading[]): string =>
  rs
    .map((r) => JSON.stringify({ meterId: r.meterId, ts: iso(r.ts), totalLiters: r.totalLiters, ...(r.receivedAt !== r.ts ? { receivedAt: iso(r.receivedAt) } : {}) }))
    .join('\n') + '\n';

/** Merge meters' readings into arrival order (stable). */
export const arrivalOrder = (...streams: Reading[][]): Reading[] =>
  streams
    .flat()
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.receivedAt - b.r.receivedAt || a.i - b.i)
    .map((x) => x.r);

/**
 * Two meters over 16 days with something for every rule: m-1 (15-min, live) goes silent on
 * day 14 from 10:00, bursts on day 15, sends a DAIAD glitch and drops out for 5 h; m-2
 * (15-min readings delivered hourly) leaks from day 14.
 */
export function richTrace(): Reading[] {
  const a = household({ meterId: 'm-1', cadenceMin: 15, days: 16, seed: 21 });
  a.silence(at(14, '10:00'), at(14, '17:00')).use(at(14, '17:00'));
  a.tap(at(15, '09:00'), 25, at(15, '10:00'));
  let ra = glitch(a.readings(), at(13, '12:00'), 4);
  ra = dropGap(ra, at(15, '14:00') + 1, at(15, '19:00'));
  const b = household({ meterId: 'm-2', cadenceMin: 15, days: 16, seed: 22, wake: '05:45', sleep: '21:00' });
  b.leak(0.3, at(14, '00:00'));
  return arrivalOrder(ra, batch(b.readings(), HOUR));
}

export { HOUR, MIN, at };
