// Alibaba Cloud SMS SendSms, dysmsapi 2017-05-25 — https://help.aliyun.com/document_detail/55284.html —
// signed with ACS3-HMAC-SHA256. RPC style: the parameters travel in the query string, the body is empty.
// Business failures are HTTP 200 with Code != "OK" (isv.* / isp.*); gateway failures (signature,
// AccessKey, throttling) are HTTP 4xx with the same {Code, Message, RequestId} shape.
import { randomUUID } from 'node:crypto';
import type { Secret } from '../../config.ts';
import type { Notifier, SendResult } from '../types.ts';
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

export function createAliyunSms(o: AliyunSmsOptions): Notifier {
  const nonce = o.nonce ?? (() => randomUUID().replace(/-/g, ''));
  return {
    kind: 'sms',
    provider: 'aliyun-sms',
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
      // The base URL is an origin: RPC-style APIs sign CanonicalURI "/", so any path would break the signature.
      const url = new URL(o.baseUrl);
      const headers = signAcs3({ accessKeyId: o.accessKeyId.reveal(), accessKeySecret: o.accessKeySecret.reveal(), method: 'POST', host: url.host, action: 'SendSms', version: '2017-05-25', query, body: '', date: acs3Date(o.now()), nonce: nonce() });
      // Sent exactly as canonicalised (RFC 3986, %20 for space), so server and signature agree byte for byte.
      const qs = acs3CanonicalQuery(query);
      const out = await httpCall({ method: 'POST', url: `${url.origin}/?${qs}`, headers }, signal, o.timeoutMs, o.now);
      if (!out.ok) return out.failure;
      const parsed = parseJson(out);
      if (!parsed.ok) return parsed.failure;
      const code = String(parsed.json?.Code ?? '');
      if (out.status === 200 && code === 'OK') return { ok: true, providerMessageId: String(parsed.json.BizId ?? '') };
      if (code === '') return fail(true, 'bad-response', `HTTP ${out.status} without a Code`);
      return classifyAliyunCode(code, String(parsed.json?.Message ?? ''));
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
