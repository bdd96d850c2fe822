// Tiny hand-made traces for the harness tests.
import type { TraceLine } from '../../eval/trace.ts';
import { iso, MINUTE } from '../../eval/trace.ts';

/** 2026-01-05 00:00 China time (UTC+8) = 2026-01-04T16:00Z, a 5-minute tick boundary. */
export const T0 = Date.parse('2026-01-05T00:00:00+08:00');
export const at = (minutes: number): number => T0 + minutes * MINUTE;

/**
 * One reading every `stepMin` minutes from T0 for `count` intervals; `use(i)` litres are used in
 * interval i (ending at reading i + 1). Arrival = ts unless `receivedAt` says otherwise.
 */
export function trace(
  meterId: string,
  count: number,
  use: (i: number) => number,
  opts: { stepMin?: number; startMin?: number; startTotal?: number; receivedAt?: (ts: number) => number } = {},
): TraceLine[] {
  const step = opts.stepMin ?? 1;
  let total = opts.startTotal ?? 1000;
  const lines: TraceLine[] = [];
  for (let i = 0; i <= count; i++) {
    if (i > 0) total += use(i - 1);
    const ts = at((opts.startMin ?? 0) + i * step);
    const line: TraceLine = { meterId, ts: iso(ts), totalLiters: total };
    if (opts.receivedAt) line.receivedAt = iso(opts.receivedAt(ts));
    lines.push(line);
  }
  return lines;
}

export const times = (alerts: { openedAt: string }[]): number[] => alerts.map((a) => Date.parse(a.openedAt));
