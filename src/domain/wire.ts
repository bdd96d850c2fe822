// The MQTT wire contract (README "Wire contract"). Validated once here, at the edge;
// everything past ingest works with the normalised `Reading`.
import { z } from 'zod';

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** `s` as epoch ms when it is a timestamp the wire accepts, else why not (shared with the HTTP
 *  API's query times, src/http/validate.ts). */
export function isoWithZone(s: string): { ms: number } | { problem: string } {
  const m = ISO_WITH_ZONE.exec(s);
  if (!m) return { problem: 'expected an ISO-8601 timestamp with a zone, e.g. 2026-01-05T07:31:00Z or 2026-01-05T15:31:00+08:00' };
  // V8's Date.parse checks a day only against 31: it reads 2026-02-30 as 2 March and 04-31 as
  // 1 May, so a meter whose clock produced an impossible date would be stored days away from
  // what it said. Only the date is quoted back: the fraction's length is unbounded.
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  const day = Number(d);
  if (month >= 1 && month <= 12 && day > (month === 2 && leap(Number(y)) ? 29 : MONTH_DAYS[month - 1]!))
    return { problem: `expected a real calendar date: ${y}-${mo}-${d} does not exist` };
  const ms = Date.parse(s);
  // Month 00 or 13, day 00, 25:00, minute 60… Date.parse refuses itself.
  return Number.isNaN(ms) ? { problem: `expected a real date and time: ${y}-${mo}-${d}T… is out of range` } : { ms };
}

/** An ISO-8601 timestamp with a zone as epoch ms, or undefined when the wire does not accept it
 *  (shared by the schema and the ingest fast path, src/ingest/fast-reading.ts). */
export function isoWithZoneMs(s: string): number | undefined {
  const r = isoWithZone(s);
  return 'ms' in r ? r.ms : undefined;
}

/** ISO-8601 string or epoch milliseconds → epoch ms. The wire's and the HTTP API's timestamps. */
export const Timestamp = z
  .union([
    z.number().int().nonnegative(),
    // A zone designator is required: "08:00" without one would be read in the server's zone.
    z.string().superRefine((s, ctx) => {
      const r = isoWithZone(s);
      if ('problem' in r) ctx.addIssue({ code: 'custom', message: r.problem });
    }),
  ])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

export const ReadingPayload = z.strictObject({
  ts: Timestamp,
  totalLiters: z.number().finite().nonnegative(),
  seq: z.number().int().nonnegative().optional(),
  flowLpm: z.number().finite().nonnegative().optional(),
  battery: z.number().min(0).max(100).optional(),
});
export type ReadingPayload = z.output<typeof ReadingPayload>;

export const BatchPayload = z.strictObject({
  readings: z.array(ReadingPayload).min(1).max(5000),
});
export type BatchPayload = z.output<typeof BatchPayload>;

export const StatusPayload = z.strictObject({
  ts: Timestamp,
  battery: z.number().min(0).max(100).optional(),
  tamper: z.boolean().optional(),
  valveClosed: z.boolean().optional(),
});
export type StatusPayload = z.output<typeof StatusPayload>;

export const METER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export type TopicKind = 'reading' | 'batch' | 'status';

/** `meters/{meterId}/{kind}` → parts, or null when the topic is not ours. */
export function parseTopic(topic: string): { meterId: string; kind: TopicKind } | null {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== 'meters') return null;
  const [, meterId, kind] = parts as [string, string, string];
  if (!METER_ID.test(meterId)) return null;
  if (kind !== 'reading' && kind !== 'batch' && kind !== 'status') return null;
  return { meterId, kind };
}

const KINDS: readonly TopicKind[] = ['reading', 'batch', 'status'];
/**
 * The kind of `topic` when it is exactly meters/{meterId}/{kind} for this (valid) meterId;
 * null otherwise (then parseTopic says why). parseTopic's verdict without splitting the
 * string: it runs once per message (issue 12: 3 % of the CPU at the QoS 1 maximum).
 */
export function topicKindFor(topic: string, meterId: string): TopicKind | null {
  const at = 8 + meterId.length; // "meters/" + id + "/"
  if (!topic.startsWith('meters/') || !topic.startsWith(meterId, 7) || topic.charCodeAt(at - 1) !== 47) return null;
  for (const k of KINDS) if (topic.length === at + k.length && topic.endsWith(k)) return METER_ID.test(meterId) ? k : null;
  return null;
}

/** Characters of one issue in a reason: zod quotes an unknown key whole, and a key may be 300 KB. */
export const MAX_ISSUE_CHARS = 200;

/** `s` cut to `max` characters, saying so (a reason is for a person, and goes into logs and answers). */
export const clipText = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max)}…[${s.length} chars]`);

/** One line of zod issues, e.g. "totalLiters: expected number, received string"; each issue clipped. */
export function describeZodError(err: z.ZodError, max = 5): string {
  return err.issues
    .slice(0, max)
    .map((i) => clipText(`${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`, MAX_ISSUE_CHARS))
    .join('; ');
}
