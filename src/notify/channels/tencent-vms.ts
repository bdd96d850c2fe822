// Tencent Cloud VMS SendTtsVoice, API 2020-09-02 — https://cloud.tencent.com/document/api/1128/51558:
// a voice call that reads a registered template. Success is Response.SendStatus {CallId, SessionContext}.
import type { Notifier } from '../types.ts';
import type { TemplateMap } from './config.ts';
import { callTencent, type TencentAccount } from './tencent-api.ts';
import { fail } from './http.ts';
import { toE164 } from './phone.ts';
import { pickTemplate, positionalParams } from './template-ref.ts';

export interface TencentVmsOptions extends TencentAccount {
  /** VoiceSdkAppid (the API spells it with a lower-case d). */
  sdkAppId: string;
  templates: TemplateMap;
  playTimes: number;
}

export function createTencentVms(o: TencentVmsOptions): Notifier {
  const api = { ...o, service: 'vms' as const, action: 'SendTtsVoice', version: '2020-09-02' };
  return {
    kind: 'voice',
    provider: 'tencent-vms',
    async send(msg, signal) {
      const phone = msg.to.phone ? toE164(msg.to.phone) : null;
      // "仅支持中国大陆地区手机号码" (VMS 简介, https://cloud.tencent.com/document/api/1128/51568).
      if (!phone || !/^\+861\d{10}$/.test(phone)) return fail(false, 'no-phone', 'voice calls need a mainland mobile number');
      const tpl = pickTemplate(o.templates, msg, 'tencent-vms');
      if (!tpl.ok) return tpl;
      const params = positionalParams(tpl.ref.params, msg, 'tencent-vms');
      if (!params.ok) return params;
      const body = { TemplateId: tpl.id, CalledNumber: phone, VoiceSdkAppid: o.sdkAppId, TemplateParamSet: params.values, PlayTimes: o.playTimes, SessionContext: msg.idempotencyKey };
      const ans = await callTencent(api, body, signal);
      if (!ans.ok) return ans;
      const callId = ans.response.SendStatus?.CallId;
      if (typeof callId !== 'string' || callId === '') return fail(true, 'bad-response', 'SendTtsVoice answered without SendStatus.CallId');
      return { ok: true, providerMessageId: callId };
    },
  };
}
