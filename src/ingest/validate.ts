// Pure validation of one MQTT message: topic, JSON, schema, plausible time.
// Expected failures are values with a reason a person can act on; nothing here throws.
import { z } from 'zod';
import type { MeterStatus, Reading } from '../domain/reading.ts';
import { MAX_ISSUE_CHARS, ReadingPayload, StatusPayload, clipText, describeZodError, parseTopic, topicKindFor } from '../domain/wire.ts';
import { fastReading } from './fast-reading.ts';

export type RejectCode = 'invalid-json' | 'schema' | 'bad-topic' | 'implausible-time';

/** Readings of a batch refused one by one (the batch's others go on): a dead letter each code. */
export interface RejectedReadings {
  code: 'schema' | 'implausible-time';
  count: number;
  reason: string;
  /** `{"readings":[…]}` of just these readings, as the meter sent them: a batch to replay. */
  payload: string;
}

export type Parsed =
  | { ok: true; kind: 'readings'; readings: Reading[]; rejected?: RejectedReadings[] }
  | { ok: true; kind: 'status'; status: MeterStatus }
  /** `readings`: how many readings the refused message held, when it got that far. */
  | { ok: false; code: RejectCode; reason: string; readings?: number };

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
 * The wire's BatchPayload (src/domain/wire.ts) without its readings checked: they are
 * checked here a slice at a time, each against ReadingPayload. Same bounds (1..5000).
 */
const BatchEnvelope = z.strictObject({ readings: z.array(z.unknown()).min(1).max(5000) });

/** Readings validated per step of `parseSteps` (issue 11.3): a few hundred, about a millisecond. */
export const PARSE_SLICE = 250;
/** As many issues as `describeZodError` names. */
const MAX_ISSUES = 5;

/**
 * One message from `meterId` (the authenticated identity) → readings in ts
 * order, or a status, or a rejection. A batch's readings are judged one by one:
 * the good ones go on and the bad ones are returned in `rejected`, to be
 * dead-lettered with their reasons. Rejecting the batch whole kept a day of a
 * home's data from the detector over one bad value. A batch is rejected whole
 * (its dead letter keeps it whole, to replay) only when its envelope is bad or
 * none of its readings is good.
 */
export function parseMessage(
  meterId: string,
  topic: string,
  payload: string,
  receivedAt: number,
  plausibility: Plausibility = DEFAULT_PLAUSIBILITY,
): Parsed {
  const steps = parseSteps(meterId, topic, payload, receivedAt, plausibility);
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

/**
 * `parseMessage` in steps, still pure: it yields (the number of readings checked so far)
 * after every `slice` readings of a batch, so the adapter can give the event loop back
 * between steps (a 5,000-reading batch held it for 20–40 ms). The verdict is the same
 * as in one go: the batch's envelope first, then each reading (issues named with their
 * path in the message as sent, `readings.N.…`, the first five of each code), a schema
 * issue before an implausible time.
 */
export function* parseSteps(
  meterId: string,
  topic: string,
  payload: string,
  receivedAt: number,
  plausibility: Plausibility = DEFAULT_PLAUSIBILITY,
  slice = PARSE_SLICE,
): Generator<number, Parsed, void> {
  // The usual case without allocating; anything else through parseTopic, for its reason.
  const fast = topicKindFor(topic, meterId);
  const t = fast ? { meterId, kind: fast } : parseTopic(topic);
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

  if (t.kind === 'reading') {
    // The usual payload without zod (fast-reading.ts); zod for anything else, and its reasons.
    let reading = fastReading(meterId, receivedAt, json);
    if (!reading) {
      const v = validate(ReadingPayload, json);
      if (!v.ok) return reject('schema', v.reason);
      reading = { meterId, receivedAt, ...v.value };
    }
    const late = implausibility(reading.ts, receivedAt, plausibility);
    if (late) return reject('implausible-time', `ts: ${late}`);
    return { ok: true, kind: 'readings', readings: [reading] };
  }

  // A batch: the envelope (object, `readings` an array of 1..5000) at once, its readings in slices.
  const env = validate(BatchEnvelope, json);
  if (!env.ok) return reject('schema', env.reason);
  const items = env.value.readings;
  const readings: Reading[] = [];
  const bad = { schema: { items: [] as unknown[], issues: [] as string[] }, 'implausible-time': { items: [] as unknown[], issues: [] as string[] } };
  let sorted = true;
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % slice === 0) yield i;
    let reading = fastReading(meterId, receivedAt, items[i]);
    if (!reading) {
      const r = ReadingPayload.safeParse(items[i]);
      if (!r.success) {
        bad.schema.items.push(items[i]);
        for (const issue of r.error.issues) if (bad.schema.issues.length < MAX_ISSUES) bad.schema.issues.push(clipText(`${['readings', i, ...issue.path].join('.')}: ${issue.message}`, MAX_ISSUE_CHARS));
        continue;
      }
      // Strict schemas guarantee no unknown keys, so the spread copies only wire fields.
      reading = { meterId, receivedAt, ...r.data };
    }
    const late = implausibility(reading.ts, receivedAt, plausibility);
    if (late) {
      bad['implausible-time'].items.push(items[i]);
      if (bad['implausible-time'].issues.length < MAX_ISSUES) bad['implausible-time'].issues.push(`readings.${i}.ts: ${late}`);
      continue;
    }
    if (sorted && readings.length > 0 && reading.ts < readings[readings.length - 1]!.ts) sorted = false;
    readings.push(reading);
  }
  const rejected: RejectedReadings[] = [];
  for (const code of ['schema', 'implausible-time'] as const) {
    const { items: kept, issues } = bad[code];
    if (kept.length === 0) continue;
    // All refused for one reason: the message as sent is the dead letter, as for a single reading.
    if (readings.length === 0 && kept.length === items.length) return { ok: false, code, reason: issues.join('; '), readings: items.length };
    const others = readings.length > 0 ? `, the other ${readings.length} accepted` : '';
    rejected.push({ code, count: kept.length, reason: `${kept.length} of ${items.length} readings rejected${others}: ${issues.join('; ')}`, payload: JSON.stringify({ readings: kept }) });
  }
  // Batches may arrive out of order (NB-IoT meters buffer and resend); the core
  // consumes each meter's stream in event time. Array.prototype.sort is stable.
  // Most batches come in order: checking that is one pass, sorting is n log n.
  if (!sorted) readings.sort((a, b) => a.ts - b.ts);
  return rejected.length > 0 ? { ok: true, kind: 'readings', readings, rejected } : { ok: true, kind: 'readings', readings };
}
