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

/** `now`: the channel's clock, for a Retry-After date when the answer carries no Date header. */
export async function httpCall(req: HttpRequest, signal: AbortSignal, timeoutMs: number, now?: () => number): Promise<HttpOutcome> {
  if (signal.aborted) return { ok: false, failure: { ok: false, retryable: true, code: 'timeout', message: 'aborted before sending' } };
  const own = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any([signal, own]);
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: combined });
    const text = await res.text();
    if (res.status >= 500) {
      return { ok: false, failure: { ok: false, retryable: true, code: `http-${res.status}`, message: `provider answered HTTP ${res.status}`, ...retryAfter(res.headers, now) } };
    }
    // RFC 6585 §4, 429 Too Many Requests: a rate limit however the body reads (a gateway's or a
    // proxy's page as much as the provider's JSON), refused before anything was sent, to be tried
    // again no sooner than its Retry-After.
    if (res.status === 429) {
      return { ok: false, failure: { ok: false, retryable: true, code: 'http-429', message: 'provider answered HTTP 429 (rate limited)', ...retryAfter(res.headers, now) } };
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

/**
 * RFC 9110 §10.2.3 Retry-After: delay-seconds or an HTTP-date. A date is measured against the
 * response's own Date header (§6.6.1, sent by every server with a clock), so a skew between the
 * provider's clock and ours does not stretch or shorten the wait; without one, against now.
 */
export function retryAfter(headers: Headers, now: () => number = Date.now): { retryAfterMs?: number } {
  const v = headers.get('retry-after')?.trim();
  if (!v) return {};
  if (/^\d+$/.test(v)) return { retryAfterMs: Number(v) * 1000 };
  const at = Date.parse(v);
  if (!Number.isFinite(at) || !/[a-z]/i.test(v)) return {};
  const date = Date.parse(headers.get('date') ?? '');
  return { retryAfterMs: Math.max(0, at - (Number.isFinite(date) ? date : now())) };
}

/**
 * A body that is not the JSON the provider documents: retryable (a proxy or gateway page). After a
 * 2xx it is 'bad-response', in doubt (the provider may have taken the message); after a 4xx it is
 * `http-4xx`: something in front of the provider refused the request, so nothing was sent.
 */
export function parseJson(outcome: { status: number; text: string }): { ok: true; json: any } | { ok: false; failure: Extract<SendResult, { ok: false }> } {
  try {
    return { ok: true, json: JSON.parse(outcome.text) };
  } catch {
    const code = outcome.status >= 400 && outcome.status < 500 ? `http-${outcome.status}` : 'bad-response';
    return { ok: false, failure: { ok: false, retryable: true, code, message: `HTTP ${outcome.status} with a body that is not JSON` } };
  }
}

export function fail(retryable: boolean, code: string, message: string, retryAfterMs?: number): Extract<SendResult, { ok: false }> {
  return retryAfterMs === undefined ? { ok: false, retryable, code, message } : { ok: false, retryable, code, message, retryAfterMs };
}

/** Trailing slashes off a configured base URL so paths join cleanly. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
