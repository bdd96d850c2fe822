// The only place that imports node-cron: the service's periodic work.
import cron from 'node-cron';

export interface Job {
  stop(): void;
}

/** Every `seconds` (1–59 divides a minute evenly, or a multiple of 60). */
export function every(seconds: number, name: string, fn: () => void): Job {
  const expr = seconds < 60 ? `*/${seconds} * * * * *` : `0 */${Math.max(1, Math.round(seconds / 60))} * * * *`;
  const task = cron.schedule(expr, fn, { name });
  return { stop: () => void task.stop() };
}

/** A daily run may start this late and still run (a stall, a VM pause, a clock step). */
const DAILY_LATE_MS = 6 * 3_600_000;

/** Once a day at 03:30 local time of the host. node-cron skips a beat more than 1 s late by
 *  default: a stall at 03:30 would skip that day's retention and the PIPL erasure until the next
 *  night. Hours late it still runs, once (noOverlap: never two at a time). */
export function daily(name: string, fn: () => void): Job {
  const task = cron.schedule('30 3 * * *', fn, { name, missedExecutionTolerance: DAILY_LATE_MS, noOverlap: true });
  return { stop: () => void task.stop() };
}
