// MQTT payloads per the wire contract (src/domain/wire.ts), and deliberately broken ones
// to prove that ingest rejects bad input without dropping the meter.
import type { SimReading } from './meter.ts';
import type { Rng } from './rng.ts';
import { iso } from './sim-time.ts';

export type TopicKind = 'reading' | 'batch' | 'status';

export function topicFor(meterId: string, kind: TopicKind): string {
  return `meters/${meterId}/${kind}`;
}

export interface ReadingExtras {
  seq?: number;
  battery?: number;
}

export function readingJson(r: SimReading, extras: ReadingExtras = {}): Record<string, unknown> {
  return { ts: iso(r.ts), totalLiters: r.totalLiters, ...extras };
}

export function readingPayload(r: SimReading, extras?: ReadingExtras): string {
  return JSON.stringify(readingJson(r, extras));
}

/** Batch readings carry `seq` too, so a re-sent batch is recognisable as the same data. */
export function batchPayload(readings: readonly { reading: SimReading; seq?: number }[]): string {
  return JSON.stringify({ readings: readings.map((r) => readingJson(r.reading, r.seq === undefined ? {} : { seq: r.seq })) });
}

export function statusPayload(ts: number, battery: number): string {
  return JSON.stringify({ ts: iso(ts), battery });
}

/** Malformed messages seen from real fleets: truncated JSON, strings for numbers, unknown fields. */
const BAD: ((r: SimReading) => { kind: TopicKind; payload: string })[] = [
  (r) => ({ kind: 'reading', payload: readingPayload(r).slice(0, -7) }),
  (r) => ({ kind: 'reading', payload: JSON.stringify({ ts: iso(r.ts), totalLiters: String(r.totalLiters) }) }),
  (r) => ({ kind: 'reading', payload: JSON.stringify({ ts: iso(r.ts) }) }),
  (r) => ({ kind: 'reading', payload: JSON.stringify({ ts: iso(r.ts), totalLiters: r.totalLiters, volume: r.totalLiters }) }),
  (r) => ({ kind: 'reading', payload: JSON.stringify({ ts: 'yesterday', totalLiters: r.totalLiters }) }),
  (r) => ({ kind: 'reading', payload: JSON.stringify({ ts: iso(r.ts), totalLiters: -r.totalLiters - 1 }) }),
  () => ({ kind: 'batch', payload: JSON.stringify({ readings: [] }) }),
  () => ({ kind: 'status', payload: JSON.stringify({ battery: 'low' }) }),
  () => ({ kind: 'reading', payload: '\u0000\u00ff not json' }),
];

export function badPayload(r: SimReading, rng: Rng): { kind: TopicKind; payload: string } {
  return rng.pick(BAD)(r);
}
