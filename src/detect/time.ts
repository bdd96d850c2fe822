// Local-time arithmetic on epoch ms with a fixed UTC offset (China has no DST).
// Pure and allocation-free: the detector calls these for every reading.

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const SLOT_MS = 30 * MINUTE;
export const SLOTS_PER_DAY = 48;

export const localMs = (t: number, offsetMin: number): number => t + offsetMin * MINUTE;
export const dayIndex = (t: number, offsetMin: number): number => Math.floor(localMs(t, offsetMin) / DAY);
/** Minutes since local midnight. */
export const minuteOfDay = (t: number, offsetMin: number): number => {
  const m = Math.floor(localMs(t, offsetMin) / MINUTE) % 1440;
  return m < 0 ? m + 1440 : m;
};
/** Minutes from clock minute `from` forward to clock minute `m`, in [0, 1440). */
export const afterMin = (m: number, from: number): number => (((m - from) % 1440) + 1440) % 1440;
export const slotOf = (t: number, offsetMin: number): number => Math.floor(minuteOfDay(t, offsetMin) / 30);
/** Epoch ms of the start of the local day `day`. */
export const dayStart = (day: number, offsetMin: number): number => day * DAY - offsetMin * MINUTE;

export function hhmm(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
export const clockOf = (t: number, offsetMin: number): string => hhmm(minuteOfDay(t, offsetMin));
export const hours1 = (ms: number): number => Math.round((ms / HOUR) * 10) / 10;
