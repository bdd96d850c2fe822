// Inbound SMS replies ("1" = 平安/已知晓): parsing and authentication of the providers' callbacks.
// Pure functions; the routes that call them are mounted by the delivery pipeline.
//
// Neither provider signs these callbacks:
//  - Tencent "短信回复" callback (https://cloud.tencent.com/document/product/382/5809, API 3.0 version
//    https://cloud.tencent.com/document/api/382/59179) documents only the JSON body {extend, mobile,
//    nationcode, sign, text, time} — no signature, no token header.
//  - Alibaba SmsUp is delivered either by MNS queue pull (our own signed MNS request authenticates it) or by
//    "HTTP批量推送" (https://help.aliyun.com/knowledge_detail/60127.html, API reference
//    https://help.aliyun.com/document_detail/414223.htm): a JSON array POSTed to our URL, again unsigned.
// So both callback URLs must carry a configured shared secret in their path (…/sms-reply/tencent/<token>),
// compared in constant time; without it anyone could acknowledge an alert by POSTing a fake reply.
import type { Secret } from '../../config.ts';
import { safeEqual } from '../sign/hash.ts';

export interface CallbackRequest {
  /** The secret path segment the request arrived on. */
  pathToken: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Raw bytes, text, or the already-parsed JSON (fastify's parser). */
  body: unknown;
}

export interface InboundReply {
  provider: 'tencent-sms' | 'aliyun-sms';
  /** Mainland numbers as 11 digits (13800138000); others as country code + number, no '+'. */
  phone: string;
  text: string;
  /** Epoch ms when the carrier received the reply. */
  at: number;
  /** A provider reference for de-duplicating a re-pushed callback. */
  providerRef: string;
}

export type CallbackRejection = { ok: false; status: 400 | 401; error: 'unauthorized' | 'invalid-body'; message: string };

/** The body each provider expects back on success (Tencent: {result, errmsg}; Alibaba: {code, msg}). */
export const TENCENT_REPLY_ACK = { result: 0, errmsg: 'OK' } as const;
export const ALIYUN_SMSUP_ACK = { code: 0, msg: '接收成功' } as const;

function authenticate(req: CallbackRequest, secret: Secret): CallbackRejection | null {
  if (!req.pathToken || !safeEqual(req.pathToken, secret.reveal())) {
    return { ok: false, status: 401, error: 'unauthorized', message: 'expected the configured callback token in the URL path' };
  }
  return null;
}

function jsonBody(body: unknown): { ok: true; value: unknown } | CallbackRejection {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      return { ok: true, value: JSON.parse(body.toString()) };
    } catch {
      return { ok: false, status: 400, error: 'invalid-body', message: 'expected a JSON body' };
    }
  }
  return { ok: true, value: body };
}

function normalisePhone(countryCode: string, number: string): string | null {
  const n = number.replace(/[\s-]/g, '').replace(/^\+/, '');
  if (!/^\d{5,15}$/.test(n) || !/^\d{1,4}$/.test(countryCode)) return null;
  if (countryCode === '86') return n.replace(/^(0086|86)(?=1\d{10}$)/, '');
  return `${countryCode}${n}`;
}

/** Tencent SMS reply callback: one JSON object per reply. */
export function parseTencentReply(req: CallbackRequest, secret: Secret): { ok: true; reply: InboundReply; ack: typeof TENCENT_REPLY_ACK } | CallbackRejection {
  const denied = authenticate(req, secret);
  if (denied) return denied;
  const parsed = jsonBody(req.body);
  if (!parsed.ok) return parsed;
  const b = parsed.value as Record<string, unknown> | null;
  const bad = (what: string): CallbackRejection => ({ ok: false, status: 400, error: 'invalid-body', message: `expected ${what}` });
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return bad('a JSON object {mobile, nationcode, text, time, sign}');
  if (typeof b.mobile !== 'string') return bad('mobile: string');
  if (typeof b.nationcode !== 'string') return bad('nationcode: string');
  if (typeof b.text !== 'string') return bad('text: string');
  if (typeof b.time !== 'number' || !Number.isInteger(b.time) || b.time <= 0) return bad('time: UNIX seconds');
  const phone = normalisePhone(b.nationcode, b.mobile);
  if (!phone) return bad('mobile and nationcode to be digits');
  return { ok: true, reply: { provider: 'tencent-sms', phone, text: b.text, at: b.time * 1000, providerRef: `${phone}:${b.time}` }, ack: TENCENT_REPLY_ACK };
}

/** "2017-09-01 00:00:00" or "20170901000000", China time (UTC+8), as the SmsUp examples show. */
function parseChinaTime(s: string): number | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) - 8 * 3_600_000;
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Alibaba SmsUp HTTP push: a JSON array, possibly several replies per request. Good items are returned
 * even when others are malformed (retrying would not fix a malformed item, and the good ones must not be lost).
 */
export function parseAliyunSmsUp(
  req: CallbackRequest,
  secret: Secret,
): { ok: true; replies: InboundReply[]; invalid: { index: number; message: string }[]; ack: typeof ALIYUN_SMSUP_ACK } | CallbackRejection {
  const denied = authenticate(req, secret);
  if (denied) return denied;
  const parsed = jsonBody(req.body);
  if (!parsed.ok) return parsed;
  if (!Array.isArray(parsed.value)) return { ok: false, status: 400, error: 'invalid-body', message: 'expected a JSON array of {phone_number, send_time, content, sign_name, dest_code, sequence_id}' };
  const replies: InboundReply[] = [];
  const invalid: { index: number; message: string }[] = [];
  parsed.value.forEach((item: any, index: number) => {
    const at = typeof item?.send_time === 'string' ? parseChinaTime(item.send_time) : null;
    const phone = typeof item?.phone_number === 'string' ? normalisePhone('86', item.phone_number.replace(/^\+?86(?=1\d{10}$)/, '')) : null;
    if (!phone) return invalid.push({ index, message: 'expected phone_number: digits' });
    if (typeof item.content !== 'string') return invalid.push({ index, message: 'expected content: string' });
    if (at === null) return invalid.push({ index, message: 'expected send_time: "yyyy-MM-dd HH:mm:ss"' });
    const seq = item.sequence_id;
    replies.push({ provider: 'aliyun-sms', phone, text: item.content, at, providerRef: seq !== undefined ? `seq:${String(seq)}` : `${phone}:${at}` });
  });
  if (replies.length === 0 && invalid.length > 0) return { ok: false, status: 400, error: 'invalid-body', message: invalid[0]!.message };
  return { ok: true, replies, invalid, ack: ALIYUN_SMSUP_ACK };
}

/** The acknowledgement keyword: "1" (also full-width "１"), surrounding spaces and punctuation ignored. */
export function isAckReply(text: string): boolean {
  const t = text.normalize('NFKC').replace(/[\s.,。，!！]/g, '');
  return t === '1';
}
