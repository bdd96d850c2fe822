// WeChat Official Account template message — 发送模板消息,
// https://developers.weixin.qq.com/doc/service/api/notify/template/api_sendtemplatemessage:
// POST /cgi-bin/message/template/send?access_token=… {touser, template_id, url, data, client_msg_id};
// HTTP 200 {"errcode":0,"errmsg":"ok","msgid":…}. An access-token error refreshes the token and retries ONCE.
import { createHash } from 'node:crypto';
import type { Secret } from '../../config.ts';
import type { Notifier, OutgoingMessage, SendResult } from '../types.ts';
import type { WechatTemplateRef } from './config.ts';
import { createWechatTokenCache, type WechatTokenCache } from './wechat-token.ts';
import { fail, httpCall, joinUrl, parseJson } from './http.ts';
import { pickTemplate } from './template-ref.ts';
import { WECHAT_TEMPLATE_LIMITS, utf8Bytes } from './limits.ts';

/** 40001 invalid credential / not latest, 42001 access_token expired, 40014 invalid access_token (全局返回码). */
const TOKEN_ERRORS = new Set([40001, 42001, 40014]);

export interface WechatOaOptions {
  appId: string;
  appSecret: Secret;
  templates: Partial<Record<string, WechatTemplateRef>>;
  refreshMarginSeconds: number;
  baseUrl: string;
  timeoutMs: number;
  now: () => number;
  /** Share one cache between notifiers of the same account (tests, or several channels per account). */
  tokens?: WechatTokenCache;
}

export function createWechatOa(o: WechatOaOptions): Notifier & { readonly tokens: WechatTokenCache } {
  const tokens = o.tokens ?? createWechatTokenCache({ appId: o.appId, appSecret: o.appSecret, baseUrl: o.baseUrl, timeoutMs: o.timeoutMs, now: o.now, refreshMarginMs: o.refreshMarginSeconds * 1000 });

  async function sendOnce(token: string, body: string, signal: AbortSignal): Promise<SendResult | { tokenError: number; message: string }> {
    const url = `${joinUrl(o.baseUrl, '/cgi-bin/message/template/send')}?access_token=${encodeURIComponent(token)}`;
    const out = await httpCall({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body }, signal, o.timeoutMs, o.now);
    if (!out.ok) return out.failure;
    const parsed = parseJson(out);
    if (!parsed.ok) return parsed.failure;
    const code = Number(parsed.json?.errcode ?? 0);
    const message = String(parsed.json?.errmsg ?? '');
    if (code === 0 && parsed.json?.msgid !== undefined) return { ok: true, providerMessageId: String(parsed.json.msgid) };
    if (TOKEN_ERRORS.has(code)) return { tokenError: code, message };
    if (code === -1) return fail(true, '-1', message, 1_000); // system busy
    if (code === 45009) return fail(true, '45009', message, 3_600_000); // daily API quota reached
    if (code === 0) return fail(true, 'bad-response', 'errcode 0 without msgid');
    // 40003 invalid openid, 43004 not subscribed, 40037 invalid template_id, 47003 argument invalid …
    return fail(false, String(code), message);
  }

  return {
    kind: 'wechat',
    provider: 'wechat-oa',
    tokens,
    async send(msg, signal) {
      if (!msg.to.wechatOpenId) return fail(false, 'no-openid', 'recipient has no WeChat openid');
      const tpl = pickTemplate(o.templates, msg, 'wechat-oa');
      if (!tpl.ok) return tpl;
      const data: Record<string, { value: string }> = {};
      for (const [keyword, param] of Object.entries(tpl.ref.fields)) {
        const v = msg.params[param];
        if (v === undefined) return fail(false, 'template-param-missing', `wechat-oa: template '${msg.template}' needs param '${param}'`);
        data[keyword] = { value: v };
      }
      const body = JSON.stringify({ touser: msg.to.wechatOpenId, template_id: tpl.id, ...(msg.params.link ? { url: msg.params.link } : {}), data, client_msg_id: clientMsgId(msg) });
      const t1 = await tokens.get(signal);
      if (!t1.ok) return t1;
      const first = await sendOnce(t1.token, body, signal);
      if (!('tokenError' in first)) return first;
      tokens.invalidate(t1.token);
      const t2 = await tokens.get(signal);
      if (!t2.ok) return t2;
      const second = await sendOnce(t2.token, body, signal);
      if (!('tokenError' in second)) return second;
      return fail(true, String(second.tokenError), `${second.message} (still rejected after one token refresh)`);
    },
  };
}

/** client_msg_id "防重入id … 10分钟有效", at most 64 bytes: the idempotency key, or its SHA-256 hex when longer. */
function clientMsgId(msg: OutgoingMessage): string {
  return utf8Bytes(msg.idempotencyKey) <= WECHAT_TEMPLATE_LIMITS.clientMsgIdMaxBytes ? msg.idempotencyKey : createHash('sha256').update(msg.idempotencyKey).digest('hex');
}
