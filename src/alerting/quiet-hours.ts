// Clock windows in local time ("22:00"–"07:00"), pure: the caller passes the zone's UTC offset
// in minutes (Asia/Shanghai = +480, no daylight saving), so the core never reads a clock or Intl.
const MIN = 60_000;
const DAY_MIN = 1440;

/** Minutes after local midnight, [start, end); start > end wraps over midnight. */
export interface ClockWindow {
  start: number;
  end: number;
}

/** "22:00" → 1320. */
export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`expected a time "HH:MM" (00:00–23:59), got "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

export const localMinute = (t: number, offsetMin: number): number => mod(Math.floor(t / MIN) + offsetMin, DAY_MIN);

export function inWindow(t: number, w: ClockWindow, offsetMin: number): boolean {
  if (w.start === w.end) return false;
  const m = localMinute(t, offsetMin);
  return w.start < w.end ? m >= w.start && m < w.end : m >= w.start || m < w.end;
}

/** The first instant ≥ t at local clock minute `minute`. */
export function nextClock(t: number, minute: number, offsetMin: number): number {
  const startOfMinute = Math.floor(t / MIN) * MIN;
  const ahead = mod(minute - localMinute(t, offsetMin), DAY_MIN);
  const at = startOfMinute + ahead * MIN;
  return at < t ? at + DAY_MIN * MIN : at;
}

/** t itself when outside the window, else the window's end (when a deferred message may go). */
export const deferPast = (t: number, w: ClockWindow, offsetMin: number): number => (inWindow(t, w, offsetMin) ? nextClock(t, w.end, offsetMin) : t);

/** t itself when inside the window, else its next start. */
export const nextInside = (t: number, w: ClockWindow, offsetMin: number): number => (inWindow(t, w, offsetMin) ? t : nextClock(t, w.start, offsetMin));

/** "07:40" in local time, for messages ("07:40 已恢复用水"). */
export function clockText(t: number, offsetMin: number): string {
  const m = localMinute(t, offsetMin);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
