// Tencent Cloud SMS SendSms, API 2021-01-11 — https://cloud.tencent.com/document/api/382/55981.
// A request-level failure is Response.Error; a per-number failure is SendStatusSet[i].Code != "Ok"
// (HTTP 200 either way). We send one number per call so each recipient has its own result.
import type { DeliveryCheck, Notifier } from '../types.ts';
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

/** Receipts (回执) come from the carrier after the send, usually within seconds; until this long after
 *  the attempt, a query without its receipt proves nothing. */
export const TENCENT_RECEIPT_WAIT_MS = 120_000;

export function createTencentSms(o: TencentSmsOptions): Notifier {
  const api = { ...o, service: 'sms' as const, action: 'SendSms', version: '2021-01-11' };
  const pull = { ...o, service: 'sms' as const, action: 'PullSmsSendStatusByPhoneNumber', version: '2021-01-11' };
  return {
    kind: 'sms',
    provider: 'tencent-sms',
    checkAfterMs: TENCENT_RECEIPT_WAIT_MS,
    /**
     * PullSmsSendStatusByPhoneNumber 2021-01-11 (https://tencentcloud.com/document/api/382/40518,
     * TC3 like SendSms): the number's receipts between BeginTime and EndTime (UNIX seconds, at most
     * 7 days back), Offset 0, Limit ≤ 100; each PullSmsSendStatus echoes our SessionContext and has
     * ReportStatus SUCCESS | FAIL. Needs the QcloudSMSFullAccess/read permission on the key.
     */
    async check(msg, sinceMs, signal): Promise<DeliveryCheck> {
      const phone = msg.to.phone ? toE164(msg.to.phone) : null;
      if (!phone) return { status: 'not-sent' }; // send() refuses it anyway
      const now = o.now();
      const body = { PhoneNumber: phone, SmsSdkAppId: o.sdkAppId, BeginTime: Math.max(Math.floor(sinceMs / 1000) - 60, Math.floor(now / 1000) - 7 * 86_400 + 60), EndTime: Math.floor(now / 1000) + 60, Offset: 0, Limit: 100 };
      const ans = await callTencent(pull, body, signal);
      if (!ans.ok) return { status: 'unknown', code: ans.code, message: ans.message };
      const set = ans.response.PullSmsSendStatusSet;
      if (!Array.isArray(set)) return { status: 'unknown', code: 'bad-response', message: 'PullSmsSendStatusByPhoneNumber answered without PullSmsSendStatusSet' };
      // The receipts echo SessionContext only where Tencent has switched that on for the account
      // ("默认为空，如需开通请联系腾讯云短信小助手", PullSmsSendStatus 2021-01-11): receipts of this
      // number without it cannot say which message they are, so they settle nothing.
      if (set.some((r: any) => !r?.SessionContext)) return { status: 'unknown', code: 'no-session-context', message: 'receipts without SessionContext (not enabled for the account)' };
      const mine = set.filter((r: any) => r?.SessionContext === msg.idempotencyKey);
      if (mine.some((r: any) => r.ReportStatus === 'SUCCESS')) return { status: 'sent', providerMessageId: String(mine[0].SerialNo ?? '') };
      if (mine.length > 0 && mine.every((r: any) => r.ReportStatus === 'FAIL')) return { status: 'not-sent' }; // the carrier did not deliver it
      // A full page may hide ours; a missing receipt may only be late.
      if (mine.length > 0 || set.length >= body.Limit) return { status: 'unknown', code: 'ambiguous', message: 'the receipts do not settle it' };
      if (now - sinceMs < TENCENT_RECEIPT_WAIT_MS) return { status: 'unknown', code: 'receipt-pending', message: 'no receipt yet' };
      return { status: 'not-sent' };
    },
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
