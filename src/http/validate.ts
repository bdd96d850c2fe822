// Zod at the HTTP edge: one parse per request part, and a 400 whose message names the field
// ("body.note: ...") so the client knows what to fix.
import { z } from 'zod';
import { MAX_ISSUE_CHARS, METER_ID, clipText, isoWithZone } from '../domain/wire.ts';
import { ApiError } from './errors.ts';

const CODES = { body: 'invalid-body', query: 'invalid-query', params: 'invalid-params' } as const;

export function parse<S extends z.ZodType>(part: keyof typeof CODES, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const message = r.error.issues
    .slice(0, 5)
    .map((i) => clipText(`${[part, ...i.path.map(String)].join('.')}: ${i.message}`, MAX_ISSUE_CHARS))
    .join('; ');
  throw new ApiError(CODES[part], message || `invalid ${part}`);
}

/** ?limit=&offset= shared by every list. */
export const Page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

// Household, grid and meter ids share the meter-id alphabet: safe in topics, URLs and logs.
export const Id = z.string().regex(METER_ID, 'expected an id of letters, digits, _ or - (at most 64)');
export const IdParams = z.strictObject({ id: Id });

/**
 * A time in a query string: epoch ms digits, or an ISO-8601 timestamp with a zone (the wire's
 * rule, src/domain/wire.ts). Not Date.parse on anything else: its legacy parser reads
 * "hello 2" as 2001, "-1" as 1 Jan 2001 and "2026-01-05 10:00" in the server's own zone, so a
 * typo would answer 200 with a silently different filter.
 */
const QUERY_TIME = 'expected epoch milliseconds or an ISO-8601 timestamp with a zone, e.g. 1767598260000 or 2026-01-05T15:31:00+08:00';
export const QueryTime = z.string().transform((s, ctx) => {
  if (/^\d{1,16}$/.test(s) && Number.isSafeInteger(Number(s))) return Number(s);
  const r = /^\d{4}-/.test(s) ? isoWithZone(s) : undefined;
  if (r && 'ms' in r) return r.ms;
  // A real-looking ISO string gets the wire's own words (a zone is missing, no 30 February).
  ctx.addIssue({ code: 'custom', message: r && !r.problem.startsWith('expected an ISO') ? `${QUERY_TIME} (${r.problem})` : QUERY_TIME });
  return z.NEVER;
});
