// Alibaba Cloud SMS SendSms, dysmsapi 2017-05-25 — https://help.aliyun.com/document_detail/55284.html —
// signed with ACS3-HMAC-SHA256. RPC style: the parameters travel in the query string, the body is empty.
// Business failures are HTTP 200 with Code != "OK" (isv.* / isp.*); gateway failures (signature,
// AccessKey, throttling) are HTTP 4xx with the same {Code, Message, RequestId} shape.
import { randomUUID } from 'node:crypto';
import type { Secret } from '../../config.ts';
import type { DeliveryCheck, Notifier, SendResult } from '../types.ts';
import type { TemplateMap } from './config.ts';
import { acs3CanonicalQuery, acs3Date, signAcs3 } from '../sign/acs3.ts';
import { fail, httpCall, parseJson } from './http.ts';
import { toAliyunNumber } from './phone.ts';
import { pickTemplate } from './template-ref.ts';
import { ALIYUN_SMS_LIMITS } from './limits.ts';

export interface AliyunSmsOptions {
  accessKeyId: Secret;
  accessKeySecret: Secret;
  signName: string;
  templates: TemplateMap;
  baseUrl: string;
  timeoutMs: number;
  now: () => number;
  nonce?: () => string;
}

/** yyyyMMdd in China time (QuerySendDetails SendDate). */
const chinaDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');

export function createAliyunSms(o: AliyunSmsOptions): Notifier {
  const nonce = o.nonce ?? (() => randomUUID().replace(/-/g, ''));
  /** One signed RPC call (ACS3, query string, empty body) and its JSON. */
  async function call(action: string, query: Record<string, string>, signal: AbortSignal) {
    // The base URL is an origin: RPC-style APIs sign CanonicalURI "/", so any path would break the signature.
    const url = new URL(o.baseUrl);
    const headers = signAcs3({ accessKeyId: o.accessKeyId.reveal(), accessKeySecret: o.accessKeySecret.reveal(), method: 'POST', host: url.host, action, version: '2017-05-25', query, body: '', date: acs3Date(o.now()), nonce: nonce() });
    // Sent exactly as canonicalised (RFC 3986, %20 for space), so server and signature agree byte for byte.
    const out = await httpCall({ method: 'POST', url: `${url.origin}/?${acs3CanonicalQuery(query)}`, headers }, signal, o.timeoutMs, o.now);
    if (!out.ok) return out;
    const parsed = parseJson(out);
    return parsed.ok ? { ok: true as const, status: out.status, json: parsed.json } : parsed;
  }
  return {
    kind: 'sms',
    provider: 'aliyun-sms',
    // SendSms records a message as it accepts it (SendStatus 1, 等待回执): no wait needed.
    checkAfterMs: 0,
    /**
     * QuerySendDetails 2017-05-25 (https://help.aliyun.com/document_detail/419277.html, ACS3 like
     * SendSms): PhoneNumber, SendDate yyyyMMdd (30 days back), PageSize 1..50, CurrentPage; BizId
     * unknown here (the answer never came). SmsSendDetailDTOs.SmsSendDetailDTO[] echoes OutId, with
     * SendStatus 1 waiting for the receipt, 2 failed, 3 delivered.
     */
    async check(msg, sinceMs, signal): Promise<DeliveryCheck> {
      const phone = msg.to.phone ? toAliyunNumber(msg.to.phone) : null;
      if (!phone) return { status: 'not-sent' };
      const dates = [...new Set([chinaDate(sinceMs), chinaDate(o.now())])];
      const mine: any[] = [];
      for (const SendDate of dates) {
        const r = await call('QuerySendDetails', { PhoneNumber: phone, SendDate, PageSize: '50', CurrentPage: '1' }, signal);
        if (!r.ok) return { status: 'unknown', code: r.failure.code, message: r.failure.message };
        if (r.status !== 200 || r.json?.Code !== 'OK') return { status: 'unknown', code: String(r.json?.Code ?? `http-${r.status}`), message: String(r.json?.Message ?? '') };
        const list = r.json?.SmsSendDetailDTOs?.SmsSendDetailDTO;
        if (!Array.isArray(list)) return { status: 'unknown', code: 'bad-response', message: 'QuerySendDetails answered without SmsSendDetailDTOs' };
        // One page of 50: more records than that that day and ours may be on another page.
        if (Number(r.json.TotalCount ?? list.length) > list.length) return { status: 'unknown', code: 'ambiguous', message: 'more send records than one page' };
        mine.push(...list.filter((d: any) => d?.OutId === msg.idempotencyKey));
      }
      if (mine.some((d) => Number(d.SendStatus) === 1 || Number(d.SendStatus) === 3)) return { status: 'sent' };
      return { status: 'not-sent' }; // none, or only ones the carrier failed to deliver (2)
    },
    async send(msg, signal) {
      const phone = msg.to.phone ? toAliyunNumber(msg.to.phone) : null;
      if (!phone) return fail(false, 'no-phone', 'recipient has no usable phone number');
      const tpl = pickTemplate(o.templates, msg, 'aliyun-sms');
      if (!tpl.ok) return tpl;
      // Named variables (${place}): the configured names, or every param when none are listed.
      const names = tpl.ref.params.length > 0 ? tpl.ref.params : Object.keys(msg.params);
      const vars: Record<string, string> = {};
      for (const n of names) {
        const v = msg.params[n];
        if (v === undefined) return fail(false, 'template-param-missing', `aliyun-sms: template '${msg.template}' needs param '${n}'`);
        vars[n] = v;
      }
      // OutId is echoed in delivery receipts; the doc states SendSms is NOT idempotent ("不支持幂等的能力"),
      // so de-duplication stays with the pipeline's idempotency key, which we pass here for matching.
      if (msg.idempotencyKey.length > ALIYUN_SMS_LIMITS.outIdMaxChars) return fail(false, 'out-id-too-long', 'idempotency key exceeds 255 characters');
      const query: Record<string, string> = { PhoneNumbers: phone, SignName: o.signName, TemplateCode: tpl.id, TemplateParam: JSON.stringify(vars), OutId: msg.idempotencyKey };
      const out = await call('SendSms', query, signal);
      if (!out.ok) return out.failure;
      const code = String(out.json?.Code ?? '');
      if (out.status === 200 && code === 'OK') return { ok: true, providerMessageId: String(out.json.BizId ?? '') };
      if (code === '') return fail(true, 'bad-response', `HTTP ${out.status} without a Code`);
      return classifyAliyunCode(code, String(out.json?.Message ?? ''));
    },
  };
}

/**
 * SendSms error codes (the API page above and its 错误中心 list):
 * isv.BUSINESS_LIMIT_CONTROL is the per-number frequency control — its Message names the window
 * ("触发分钟级流控Permits:1", "触发小时级流控Permits:5", "触发天级流控Permits:10"); isp.* are the provider's
 * own faults; Throttling.* is the gateway QPS limit; SignatureNonceUsed is retryable with a fresh nonce.
 * Everything else (number, template, signature, balance, black list, AccessKey, clock) needs an operator.
 */
export function classifyAliyunCode(code: string, message: string): Extract<SendResult, { ok: false }> {
  if (code === 'isv.BUSINESS_LIMIT_CONTROL') {
    const ms = message.includes('分钟') ? 60_000 : message.includes('小时') ? 3_600_000 : message.includes('天') ? 86_400_000 : 60_000;
    return fail(true, code, message, ms);
  }
  if (code.startsWith('Throttling')) return fail(true, code, message, 1_000);
  if (code.startsWith('isp.') || code === 'SignatureNonceUsed' || code === 'ServiceUnavailable' || code === 'InternalError') return fail(true, code, message);
  return fail(false, code, message);
}
