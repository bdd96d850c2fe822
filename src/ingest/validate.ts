// Pure validation of one MQTT message: topic, JSON, schema, plausible time.
// Expected failures are values with a reason a person can act on; nothing here throws.
import type { z } from 'zod';
import type { MeterStatus, Reading } from '../domain/reading.ts';
import { BatchPayload, ReadingPayload, StatusPayload, describeZodError, parseTopic } from '../domain/wire.ts';

export type RejectCode = 'invalid-json' | 'schema' | 'bad-topic' | 'implausible-time';

export type Parsed =
  | { ok: true; kind: 'readings'; readings: Reading[] }
  | { ok: true; kind: 'status'; status: MeterStatus }
  | { ok: false; code: RejectCode; reason: string };

export interface Plausibility {
  /** How far ahead of receipt a meter clock may run before we distrust it. */
  maxFutureMs: number;
  /** No meter in the field predates this; earlier stamps are unset clocks (epoch 0, 1970). */
  earliestTs: number;
}

/**
 * Issue 9: a meter whose clock runs fast is not rejected here any more — the detector estimates
 * each meter's clock offset from arrival times and corrects a steady skew (src/detect/delivery.ts);
 * what is still in the future after that correction is dead-lettered by the monitor with the
 * reason. Ingest only refuses what no correction can explain: a clock more than a day ahead.
 */
export const DEFAULT_PLAUSIBILITY: Plausibility = {
  maxFutureMs: 24 * 60 * 60_000,
  earliestTs: Date.UTC(2000, 0, 1),
};

const reject = (code: RejectCode, reason: string): Parsed => ({ ok: false, code, reason });

/** Epoch ms as ISO, without throwing on numbers beyond the Date range. */
const iso = (ms: number): string => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
};

/** Why `ts` is not plausible, or null when it is. */
export function implausibility(ts: number, receivedAt: number, p: Plausibility): string | null {
  if (ts < p.earliestTs) return `${iso(ts)} is before ${iso(p.earliestTs)} (meter clock not set?)`;
  if (ts > receivedAt + p.maxFutureMs) {
    const aheadMin = Math.round((ts - receivedAt) / 60_000);
    return `${iso(ts)} is ${aheadMin} min after receipt at ${iso(receivedAt)} (limit ${p.maxFutureMs / 60_000} min)`;
  }
  return null;
}

function validate<S extends z.ZodType>(schema: S, json: unknown): { ok: true; value: z.output<S> } | { ok: false; reason: string } {
  const r = schema.safeParse(json);
  return r.success ? { ok: true, value: r.data } : { ok: false, reason: describeZodError(r.error) };
}

/**
 * One message from `meterId` (the authenticated identity) → readings in ts
 * order, or a status, or a rejection. A batch is accepted or rejected whole,
 * like the schema check: a meter whose clock is wrong for one reading is
 * suspect for all of them, and the dead letter keeps the batch for replay.
 */
export function parseMessage(
  meterId: string,
  topic: string,
  payload: string,
  receivedAt: number,
  plausibility: Plausibility = DEFAULT_PLAUSIBILITY,
): Parsed {
  const t = parseTopic(topic);
  if (!t) return reject('bad-topic', `topic is not meters/{meterId}/reading|batch|status: ${topic.slice(0, 200)}`);
  if (t.meterId !== meterId) return reject('bad-topic', `topic names meter ${t.meterId}, but the sender is ${meterId}`);

  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (err) {
    return reject('invalid-json', `invalid JSON: ${(err as Error).message}`);
  }

  if (t.kind === 'status') {
    const v = validate(StatusPayload, json);
    if (!v.ok) return reject('schema', v.reason);
    const late = implausibility(v.value.ts, receivedAt, plausibility);
    if (late) return reject('implausible-time', `ts: ${late}`);
    return { ok: true, kind: 'status', status: { meterId, receivedAt, ...v.value } };
  }

  let items: ReadingPayload[];
  let pathOf: (i: number) => string;
  if (t.kind === 'reading') {
    const v = validate(ReadingPayload, json);
    if (!v.ok) return reject('schema', v.reason);
    items = [v.value];
    pathOf = () => 'ts';
  } else {
    const v = validate(BatchPayload, json);
    if (!v.ok) return reject('schema', v.reason);
    items = v.value.readings;
    pathOf = (i) => `readings.${i}.ts`;
  }
  for (let i = 0; i < items.length; i++) {
    const late = implausibility(items[i]!.ts, receivedAt, plausibility);
    if (late) return reject('implausible-time', `${pathOf(i)}: ${late}`);
  }
  // Strict schemas guarantee no unknown keys, so the spread copies only wire fields.
  const readings: Reading[] = items.map((p) => ({ meterId, receivedAt, ...p }));
  // Batches may arrive out of order (NB-IoT meters buffer and resend); the core
  // consumes each meter's stream in event time. Array.prototype.sort is stable.
  readings.sort((a, b) => a.ts - b.ts);
  return { ok: true, kind: 'readings', readings };
}
