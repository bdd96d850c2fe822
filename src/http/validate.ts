// Zod at the HTTP edge: one parse per request part, and a 400 whose message names the field
// ("body.note: ...") so the client knows what to fix.
import { z } from 'zod';
import { METER_ID } from '../domain/wire.ts';
import { ApiError } from './errors.ts';

const CODES = { body: 'invalid-body', query: 'invalid-query', params: 'invalid-params' } as const;

export function parse<S extends z.ZodType>(part: keyof typeof CODES, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const message = r.error.issues
    .slice(0, 5)
    .map((i) => `${[part, ...i.path.map(String)].join('.')}: ${i.message}`)
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

/** A time in a query string: epoch ms digits or an ISO-8601 string. */
export const QueryTime = z
  .string()
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s)))
  .refine((n) => Number.isFinite(n), { message: 'expected epoch milliseconds or an ISO-8601 timestamp' });
