// The replay/back-test trace (README "Replay"): JSONL, one reading per line, arrival order.
import { TraceLine } from '../src/domain/trace.ts';
import { describeZodError } from '../src/domain/wire.ts';
import type { Report } from './meter.ts';
import { iso } from './sim-time.ts';

/** A trace line as written to JSONL (ISO timestamps); `TraceLine` in src/domain parses it. */
export interface SimTraceLine {
  meterId: string;
  ts: string;
  totalLiters: number;
  /** Present when the reading arrived later than its ts (batches, re-sends). */
  receivedAt?: string;
}

export function reportToLines(meterId: string, report: Report): SimTraceLine[] {
  return report.readings.map((r) => {
    const line: SimTraceLine = { meterId, ts: iso(r.ts), totalLiters: r.totalLiters };
    // Whenever arrival differs from the stamp: batches, re-sends, and a meter clock running fast.
    if (report.sendAt !== r.ts) line.receivedAt = iso(report.sendAt);
    return line;
  });
}

/** When a line reached the server. */
export function arrivalOf(line: SimTraceLine): number {
  return Date.parse(line.receivedAt ?? line.ts);
}

export function toJsonl(lines: Iterable<SimTraceLine>): string {
  let out = '';
  for (const l of lines) out += `${JSON.stringify(l)}\n`;
  return out;
}

/** Parses and validates a JSONL trace with the service's own schema; errors name the line. */
export function parseJsonl(text: string): SimTraceLine[] {
  const out: SimTraceLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new SyntaxError(`trace line ${i + 1}: expected JSON, got "${raw.slice(0, 60)}"`);
    }
    const parsed = TraceLine.safeParse(json);
    if (!parsed.success) throw new TypeError(`trace line ${i + 1}: ${describeZodError(parsed.error)}`);
    const l = parsed.data;
    out.push({ meterId: l.meterId, ts: iso(l.ts), totalLiters: l.totalLiters, ...(l.receivedAt !== undefined ? { receivedAt: iso(l.receivedAt) } : {}) });
  });
  return out;
}
