// A TencentCloud API 3.0 call (POST JSON, TC3-HMAC-SHA256) and the reading of its answer as documented:
// HTTP 200 with `Response.Error {Code, Message}` on failure (the error tables of SendSms,
// https://cloud.tencent.com/document/api/382/55981, and SendTtsVoice, https://cloud.tencent.com/document/api/1128/51558).
import type { Secret } from '../../config.ts';
import type { SendResult } from '../types.ts';
import { signTc3 } from '../sign/tc3.ts';
import { fail, httpCall, parseJson } from './http.ts';

export interface TencentCallOptions {
  baseUrl: string;
  service: 'sms' | 'vms';
  action: string;
  version: string;
  region: string;
  secretId: Secret;
  secretKey: Secret;
  now: () => number;
  timeoutMs: number;
}

/** What every Tencent channel (SMS, VMS) needs to make a call: the account, the endpoint and the clock. */
export type TencentAccount = Omit<TencentCallOptions, 'service' | 'action' | 'version'>;

export type TencentAnswer = { ok: true; response: any } | Extract<SendResult, { ok: false }>;

export async function callTencent(opts: TencentCallOptions, body: unknown, signal: AbortSignal): Promise<TencentAnswer> {
  const url = new URL(opts.baseUrl);
  const payload = JSON.stringify(body);
  const headers = signTc3({
    secretId: opts.secretId.reveal(),
    secretKey: opts.secretKey.reveal(),
    service: opts.service,
    host: url.host,
    action: opts.action,
    version: opts.version,
    region: opts.region,
    timestampSec: Math.floor(opts.now() / 1000),
    payload,
  });
  // API 3.0 signs CanonicalURI "/": the base URL is an origin and requests go to its root.
  const out = await httpCall({ method: 'POST', url: `${url.origin}/`, headers, body: payload }, signal, opts.timeoutMs, opts.now);
  if (!out.ok) return out.failure;
  const parsed = parseJson(out);
  if (!parsed.ok) return parsed.failure;
  const response = parsed.json?.Response;
  if (typeof response !== 'object' || response === null) return fail(true, 'bad-response', `HTTP ${out.status} without a Response object`);
  if (response.Error) return classifyTencentCode(String(response.Error.Code), String(response.Error.Message ?? ''), opts.now());
  return { ok: true, response };
}

/**
 * Retryable or not, by the documented code families: InternalError.* and request/number frequency
 * limits are transient; AuthFailure.*, InvalidParameter*, MissingParameter, UnauthorizedOperation.*,
 * FailedOperation.* (template, sign, balance, blacklist) need an operator and will not get better by retrying.
 */
export function classifyTencentCode(code: string, message: string, nowMs: number): Extract<SendResult, { ok: false }> {
  const ms = tencentRetryAfterMs(code, nowMs);
  if (ms !== undefined) return fail(true, code, message, ms);
  if (code.startsWith('InternalError')) return fail(true, code, message);
  return fail(false, code, message);
}

/** Frequency limits, SendSms error table (https://cloud.tencent.com/document/api/382/55981, "错误码"). */
function tencentRetryAfterMs(code: string, nowMs: number): number | undefined {
  if (code.startsWith('RequestLimitExceeded')) return 1_000; // API QPS (SendSms 3000/s, SendTtsVoice 20/s)
  if (code === 'LimitExceeded.PhoneNumberThirtySecondLimit') return 30_000;
  if (code === 'LimitExceeded.PhoneNumberOneHourLimit') return 3_600_000;
  if (code === 'LimitExceeded.DeliveryFrequencyLimit') return 30_000;
  // Daily limits count the natural day in China time (UTC+8): retry after the next Beijing midnight.
  if (code.startsWith('LimitExceeded.') && code.includes('Daily')) return untilNextChinaMidnight(nowMs);
  return undefined;
}

export function untilNextChinaMidnight(nowMs: number): number {
  const day = 86_400_000;
  const shifted = nowMs + 8 * 3_600_000;
  return day - (((shifted % day) + day) % day);
}
