// The configured time zone's UTC offset, for the pure core (quiet hours, clock times in
// messages). Intl is used here, in the adapter, once per planning pass, never in the core.
const cache = new Map<string, Intl.DateTimeFormat>();

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Minutes east of UTC in `tz` at instant `at` (Asia/Shanghai → 480). */
export function offsetMinutes(tz: string, at: number): number {
  let f = cache.get(tz);
  if (!f) cache.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })));
  const name = f.formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}
