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

/** Once a day at 03:30 local time of the host. */
export function daily(name: string, fn: () => void): Job {
  const task = cron.schedule('30 3 * * *', fn, { name });
  return { stop: () => void task.stop() };
}
