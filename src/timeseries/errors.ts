// Write errors in a few classes an operator can act on (the label of
// anxin_timeseries_write_errors_total), and whether the points are worth keeping.
// Status codes: https://docs.influxdata.com/influxdb/v2/api/#operation/PostWrite
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';

export const WRITE_ERROR_CLASSES = ['network', 'timeout', 'auth', 'rejected', 'throttled', 'server', 'other'] as const;
export type WriteErrorClass = (typeof WRITE_ERROR_CLASSES)[number];

export function classifyWriteError(err: unknown): WriteErrorClass {
  if (err instanceof RequestTimedOutError) return 'timeout';
  if (err instanceof HttpError) {
    const s = err.statusCode;
    if (s === 401 || s === 403) return 'auth'; // wrong token or no write permission: kept until fixed
    if (s === 400 || s === 422) return 'rejected'; // malformed point or field type conflict: never succeeds
    if (s === 429) return 'throttled';
    if (s >= 500) return 'server';
    return 'other';
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNABORTED)$/.test(code)) return 'network';
  return 'other';
}

/** A rejected point would fail forever (and block the spool behind it); everything else is kept. */
export const isWorthKeeping = (c: WriteErrorClass): boolean => c !== 'rejected';
