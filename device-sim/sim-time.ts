// Simulated time: epoch milliseconds (UTC) everywhere; households live in China
// Standard Time (UTC+8, no DST since 1991), so a local day is a fixed 24 h window.

import { isoWithZone } from '../src/domain/wire.ts';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** China Standard Time offset from UTC. */
export const CST_OFFSET = 8 * HOUR;

/** Epoch ms of local (UTC+8) midnight of the calendar date in `date` ("2026-01-05" or any ISO). */
export function cstMidnight(date: string | number | Date): number {
  const ms = toEpochMs(date);
  return Math.floor((ms + CST_OFFSET) / DAY) * DAY - CST_OFFSET;
}

/**
 * Accepts epoch ms, a Date, a full ISO instant, or a bare date "YYYY-MM-DD",
 * which is read as local China midnight (the natural way to say "start on 5 Jan").
 */
export function toEpochMs(value: string | number | Date): number {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  // The wire's own strict reading (src/domain/wire.ts): Date.parse alone takes "2026-02-30" as
  // 2 March, "Jan 5" as some year's January and a time without a zone in this machine's zone, so
  // a typo would quietly start a drill on another day.
  const bareDate = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const r = isoWithZone(bareDate ? `${value}T00:00:00+08:00` : value);
  if ('problem' in r) throw new TypeError(`expected an ISO-8601 date (2026-01-05) or an instant with a zone (2026-01-05T07:30:00+08:00), got "${value}": ${r.problem}`);
  return r.ms;
}

/** Minutes after local midnight → epoch ms, for a day starting at `dayStart`. */
export function atLocalMinute(dayStart: number, minuteOfDay: number): number {
  return dayStart + Math.round(minuteOfDay * MINUTE);
}

/** ISO-8601 UTC without milliseconds when they are zero (smaller traces, still valid ISO). */
export function iso(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

/** "+2h", "+90m", "+1d", "+30s" or an ISO instant → epoch ms relative to `base`. */
export function parseWhen(text: string, base: number): number {
  const rel = /^\+(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (rel) {
    const unit = { s: SECOND, m: MINUTE, h: HOUR, d: DAY }[rel[2] as 's' | 'm' | 'h' | 'd'];
    return base + Number(rel[1]) * unit;
  }
  return toEpochMs(text);
}

/** "6h", "90m", "2d" → ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (!m) throw new TypeError(`expected a duration like 30m, 6h or 2d, got "${text}"`);
  return Number(m[1]) * { s: SECOND, m: MINUTE, h: HOUR, d: DAY }[m[2] as 's' | 'm' | 'h' | 'd'];
}
