// A trace regrouped into the MQTT messages that produced it: readings that share a meter and
// a receivedAt arrived together, in one /batch message; the rest each in a /reading message.
import type { SimReading } from './meter.ts';
import { arrivalOf, type SimTraceLine } from './trace.ts';

export interface TraceMessage {
  meterId: string;
  kind: 'reading' | 'batch';
  /** Arrival time of the message (epoch ms). */
  arrival: number;
  readings: SimReading[];
}

/** The wire contract allows 5,000 readings per batch. */
const MAX_BATCH = 5000;

export function traceMessages(lines: readonly SimTraceLine[]): TraceMessage[] {
  const out: TraceMessage[] = [];
  let open: TraceMessage | undefined;
  let openKey = '';
  for (const line of lines) {
    const reading = { ts: Date.parse(line.ts), totalLiters: line.totalLiters };
    const key = line.receivedAt === undefined ? '' : `${line.meterId}|${line.receivedAt}`;
    if (open && key !== '' && key === openKey && open.readings.length < MAX_BATCH) {
      open.readings.push(reading);
      open.kind = 'batch';
      continue;
    }
    open = { meterId: line.meterId, kind: 'reading', arrival: arrivalOf(line), readings: [reading] };
    openKey = key;
    out.push(open);
  }
  return out;
}
