// Tencent Cloud SMS SendSms, API 2021-01-11 — https://cloud.tencent.com/document/api/382/55981.
// A request-level failure is Response.Error; a per-number failure is SendStatusSet[i].Code != "Ok"
// (HTTP 200 either way). We send one number per call so each recipient has its own result.
import type { Notifier } from '../types.ts';
import type { TemplateMap } from './config.ts';
import { callTencent, classifyTencentCode, type TencentAccount } from './tencent-api.ts';
import { fail } from './http.ts';
import { toE164 } from './phone.ts';
import { pickTemplate, positionalParams } from './template-ref.ts';
import { TENCENT_SMS_LIMITS, utf8Bytes } from './limits.ts';

export interface TencentSmsOptions extends TencentAccount {
  sdkAppId: string;
  signName: string;
  templates: TemplateMap;
}

export function createTencentSms(o: TencentSmsOptions): Notifier {
  const api = { ...o, service: 'sms' as const, action: 'SendSms', version: '2021-01-11' };
  return {
    kind: 'sms',
    provider: 'tencent-sms',
    async send(msg, signal) {
      const phone = msg.to.phone ? toE164(msg.to.phone) : null;
      if (!phone) return fail(false, 'no-phone', 'recipient has no usable phone number');
      const tpl = pickTemplate(o.templates, msg, 'tencent-sms');
      if (!tpl.ok) return tpl;
      const params = positionalParams(tpl.ref.params, msg, 'tencent-sms');
      if (!params.ok) return params;
      // SessionContext is echoed back in receipts (documented "原样返回"), not de-duplicated by Tencent:
      // the pipeline's own idempotency key is what prevents a second send; this lets receipts be matched.
      if (utf8Bytes(msg.idempotencyKey) > TENCENT_SMS_LIMITS.sessionContextMaxBytes) return fail(false, 'session-context-too-long', 'idempotency key exceeds 511 bytes');
      const body = { PhoneNumberSet: [phone], SmsSdkAppId: o.sdkAppId, SignName: o.signName, TemplateId: tpl.id, TemplateParamSet: params.values, SessionContext: msg.idempotencyKey };
      const ans = await callTencent(api, body, signal);
      if (!ans.ok) return ans;
      const status = Array.isArray(ans.response.SendStatusSet) ? ans.response.SendStatusSet[0] : undefined;
      if (!status) return fail(true, 'bad-response', 'SendSms answered without SendStatusSet');
      if (status.Code === 'Ok') return { ok: true, providerMessageId: String(status.SerialNo ?? ans.response.RequestId ?? '') };
      return classifyTencentCode(String(status.Code), String(status.Message ?? ''), o.now());
    },
  };
}
