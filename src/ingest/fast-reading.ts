// The common reading payload checked without zod (issue 12: zod was about 5 % of the CPU per
// reading after the broker). It accepts only what ReadingPayload (src/domain/wire.ts) surely
// accepts — an object of `ts` (epoch ms, or an ISO-8601 string with a zone, converted by the
// schema's own function) and numeric fields, no other key — and then builds exactly the object
// zod builds (the same keys in the same order). Anything else returns undefined and goes to
// zod, which decides and words the reasons.
// tests/ingest/fast-reading.test.ts holds the two to the same verdicts.
import type { Reading } from '../domain/reading.ts';
import { isoWithZoneMs } from '../domain/wire.ts';

/** A non-negative finite number (z.number().finite().nonnegative()); JSON has no NaN or Infinity, a caller's object may. */
const nonNegative = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v !== Infinity;
/** z.number().int().nonnegative(): zod v4's int is a safe integer. */
const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * `json` (a JSON.parse result) as the Reading of `meterId` received at `receivedAt`, when it is
 * a plainly valid reading payload; undefined when zod must look at it.
 */
export function fastReading(meterId: string, receivedAt: number, json: unknown): Reading | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  const { totalLiters } = o;
  // Many meters stamp ISO times ("2026-12-01T22:29:41.123Z"): zod's transform made them epoch ms.
  const ts = typeof o.ts === 'string' ? isoWithZoneMs(o.ts) : o.ts;
  if (!(typeof o.ts === 'string' ? ts !== undefined : count(ts)) || !nonNegative(totalLiters)) return undefined;
  // Every key must be one of the schema's (it is strict); a duplicate key JSON.parse already folded.
  let keys = 0;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) return undefined;
    keys++;
  }
  let known = 2;
  const { seq, flowLpm, battery } = o;
  if (seq !== undefined) {
    if (!count(seq)) return undefined;
    known++;
  }
  if (flowLpm !== undefined) {
    if (!nonNegative(flowLpm)) return undefined;
    known++;
  }
  if (battery !== undefined) {
    if (!(typeof battery === 'number' && battery >= 0 && battery <= 100)) return undefined;
    known++;
  }
  if (keys !== known) return undefined;
  // The shape of `{ meterId, receivedAt, ...zodOutput }`: zod's keys in its schema's order.
  const r: Reading = { meterId, receivedAt, ts: ts as number, totalLiters };
  if (seq !== undefined) r.seq = seq as number;
  if (flowLpm !== undefined) r.flowLpm = flowLpm as number;
  if (battery !== undefined) r.battery = battery as number;
  return r;
}
