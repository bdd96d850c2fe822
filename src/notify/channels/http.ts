// One HTTP attempt for every channel: honours the pipeline's AbortSignal and the channel's own
// timeout, and turns transport failures into SendResults (a channel never throws for a provider).
import type { SendResult } from '../types.ts';

export type HttpOutcome = { ok: true; status: number; text: string; headers: Headers } | { ok: false; failure: Extract<SendResult, { ok: false }> };

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export async function httpCall(req: HttpRequest, signal: AbortSignal, timeoutMs: number): Promise<HttpOutcome> {
  if (signal.aborted) return { ok: false, failure: { ok: false, retryable: true, code: 'timeout', message: 'aborted before sending' } };
  const own = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any([signal, own]);
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: combined });
    const text = await res.text();
    if (res.status >= 500) {
      return { ok: false, failure: { ok: false, retryable: true, code: `http-${res.status}`, message: `provider answered HTTP ${res.status}`, ...retryAfter(res.headers) } };
    }
    return { ok: true, status: res.status, text, headers: res.headers };
  } catch (err) {
    if (combined.aborted) {
      const why = own.aborted ? `no answer within ${timeoutMs} ms` : 'aborted by the delivery pipeline';
      return { ok: false, failure: { ok: false, retryable: true, code: 'timeout', message: why } };
    }
    return { ok: false, failure: { ok: false, retryable: true, code: 'network', message: (err as Error).cause ? String((err as Error & { cause: unknown }).cause) : (err as Error).message } };
  }
}

/** RFC 9110 Retry-After (seconds form) as a hint for the pipeline. */
function retryAfter(headers: Headers): { retryAfterMs?: number } {
  const v = headers.get('retry-after');
  const s = v === null ? NaN : Number(v);
  return Number.isFinite(s) && s >= 0 ? { retryAfterMs: s * 1000 } : {};
}

/** A 2xx/4xx body that is not the JSON the provider documents: retryable (a proxy or gateway page), with the HTTP status. */
export function parseJson(outcome: { status: number; text: string }): { ok: true; json: any } | { ok: false; failure: Extract<SendResult, { ok: false }> } {
  try {
    return { ok: true, json: JSON.parse(outcome.text) };
  } catch {
    return { ok: false, failure: { ok: false, retryable: true, code: 'bad-response', message: `HTTP ${outcome.status} with a body that is not JSON` } };
  }
}

export function fail(retryable: boolean, code: string, message: string, retryAfterMs?: number): Extract<SendResult, { ok: false }> {
  return retryAfterMs === undefined ? { ok: false, retryable, code, message } : { ok: false, retryable, code, message, retryAfterMs };
}

/** Trailing slashes off a configured base URL so paths join cleanly. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
