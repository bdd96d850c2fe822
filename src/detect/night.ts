// The household's night, learned from the data rather than assumed from the clock: the middle
// of each day's longest silence, averaged on the circle of the day. A wrong time-zone setting
// (or a night-shift worker) then shifts nothing that matters.
import type { RoutineState } from './routine.ts';
import { HOUR, afterMin, minuteOfDay } from './time.ts';

export function circularMeanMin(mins: number[]): number {
  let x = 0;
  let y = 0;
  for (const m of mins) {
    const a = (m / 1440) * 2 * Math.PI;
    x += Math.cos(a);
    y += Math.sin(a);
  }
  const a = Math.atan2(y, x);
  return Math.round(((a / (2 * Math.PI)) * 1440 + 1440) % 1440);
}

/**
 * Did the silence since `since` begin last evening or in the night, and is it now past the
 * usual first use but still morning? Then the grid worker hears it as "no water this morning".
 */
export function isMorningAfterNight(r: RoutineState, since: number, t: number, off: number): boolean {
  if (r.usualFirstUseMin < 0 || t - since < 4 * HOUR) return false;
  const mid = r.nightMidMin;
  const sinceRel = afterMin(minuteOfDay(since, off), mid);
  const nowRel = afterMin(minuteOfDay(t, off), mid);
  const evening = sinceRel >= 1440 - 9.5 * 60 || sinceRel < 90;
  return evening && nowRel > afterMin(r.usualFirstUseMin, mid) && nowRel < 11.5 * 60;
}
