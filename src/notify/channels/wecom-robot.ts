// WeCom (企业微信) group robot webhook, markdown message — 群机器人配置说明,
// https://developer.work.weixin.qq.com/document/path/91770: POST /cgi-bin/webhook/send?key=KEY
// {"msgtype":"markdown","markdown":{"content":…}}; the answer is HTTP 200 {"errcode":0,"errmsg":"ok"}.
import type { Notifier } from '../types.ts';
import { fail, httpCall, joinUrl, parseJson } from './http.ts';
import { WECOM_ROBOT_LIMITS, utf8Bytes } from './limits.ts';

export interface WecomRobotOptions {
  baseUrl: string;
  timeoutMs: number;
}

export function createWecomRobot(o: WecomRobotOptions): Notifier {
  return {
    kind: 'wecom',
    provider: 'wecom-robot',
    async send(msg, signal) {
      const key = msg.to.wecomKey;
      if (!key) return fail(false, 'no-wecom-key', 'recipient has no WeCom robot key');
      // The limit is in bytes of UTF-8: a Chinese character is 3. The renderer must cut, never the channel.
      if (utf8Bytes(msg.text) > WECOM_ROBOT_LIMITS.markdownMaxBytes) return fail(false, '40058', `markdown content is ${utf8Bytes(msg.text)} bytes; the robot accepts at most 4096`);
      const body = JSON.stringify({ msgtype: 'markdown', markdown: { content: msg.text } });
      const url = `${joinUrl(o.baseUrl, '/cgi-bin/webhook/send')}?key=${encodeURIComponent(key)}`;
      const out = await httpCall({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body }, signal, o.timeoutMs);
      if (!out.ok) return out.failure;
      const parsed = parseJson(out);
      if (!parsed.ok) return parsed.failure;
      const errcode = Number(parsed.json?.errcode);
      const errmsg = String(parsed.json?.errmsg ?? '');
      if (errcode === 0) return { ok: true };
      // 45009 "api freq out of limit": 20 messages per minute per robot — try again after the window.
      if (errcode === 45009) return fail(true, '45009', errmsg, 60_000);
      // -1 "system busy" (全局错误码): transient on WeCom's side.
      if (errcode === -1) return fail(true, '-1', errmsg, 1_000);
      if (!Number.isFinite(errcode)) return fail(true, 'bad-response', `HTTP ${out.status} without errcode`);
      // 93000 invalid webhook url (key), 40058 content too long, 93004 robot removed …: need an operator.
      return fail(false, String(errcode), errmsg);
    },
  };
}
