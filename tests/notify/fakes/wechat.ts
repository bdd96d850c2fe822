// Fake WeChat Official Account API (api.weixin.qq.com) enforcing the documented contract:
// GET /cgi-bin/token (appid/secret → access_token, expires_in 7200; a new token leaves the previous one
// valid for 5 minutes, then 40001), POST /cgi-bin/message/template/send (42001 expired, 40001 replaced or
// revoked, 40014 malformed token; 43004 not a follower; 40037 unknown template; 47003 bad keyword value;
// client_msg_id de-duplicated per openid for 10 minutes). Always HTTP 200 with {errcode, errmsg}.
import { startFake, type Answer, type Fake, type Received } from './server.ts';

export interface WechatFakeOptions {
  appId: string;
  appSecret: string;
  now: () => number;
  followers: string[];
  /** template_id → keyword names (thing1, time2, character_string3 …). */
  templates: Record<string, string[]>;
}

export interface WechatFake extends Fake {
  delivered: { touser: string; templateId: string; data: Record<string, string>; url?: string; msgid: number }[];
  tokenRequests(): number;
  /** Every issued token stops working now (40001 "invalid credential … not latest"). */
  revokeAll(): void;
  /** Every issued token is past its expiry now (42001). */
  expireAll(): void;
  /** Hold the token endpoint until the returned function is called. */
  holdTokens(): () => void;
}

const LIMITS: [RegExp, (v: string) => boolean][] = [
  [/^thing\d+$/, (v) => [...v].length <= 20],
  [/^character_string\d+$/, (v) => v.length <= 32 && /^[\x21-\x7e]*$/.test(v)],
  [/^phrase\d+$/, (v) => [...v].length <= 5 && /^\p{Script=Han}*$/u.test(v)],
  [/^time\d+$/, (v) => /^\d{4}[-年]\d{1,2}[-月]\d{1,2}日? \d{1,2}:\d{2}(:\d{2})?$/.test(v) || /^\d{1,2}:\d{2}$/.test(v)],
];

export async function startWechatFake(o: WechatFakeOptions): Promise<WechatFake> {
  const tokens = new Map<string, { expiresAt: number }>();
  const delivered: WechatFake['delivered'] = [];
  const dedupe = new Map<string, { msgid: number; at: number }>();
  let issued = 0;
  let tokenHits = 0;
  let gate: Promise<void> | null = null;
  const e = (errcode: number, errmsg: string): Answer => ({ status: 200, body: { errcode, errmsg } });

  async function token(r: Received): Promise<Answer> {
    tokenHits++;
    if (gate) await gate;
    const q = r.url.searchParams;
    if (q.get('grant_type') !== 'client_credential') return e(40002, 'invalid grant_type');
    if (q.get('appid') !== o.appId) return e(40013, 'invalid appid');
    if (q.get('secret') !== o.appSecret) return e(40125, 'invalid appsecret');
    const now = o.now();
    // "新老access_token都可用" for 5 minutes after a refresh, then the old one is invalid.
    for (const t of tokens.values()) t.expiresAt = Math.min(t.expiresAt, now + 300_000);
    const access_token = `ACCESS_TOKEN_${++issued}_${'x'.repeat(100)}`;
    tokens.set(access_token, { expiresAt: now + 7_200_000 });
    return { status: 200, body: { access_token, expires_in: 7200 } };
  }

  function send(r: Received): Answer {
    const t = r.url.searchParams.get('access_token');
    if (!t) return e(41001, 'access_token missing');
    if (!t.startsWith('ACCESS_TOKEN_')) return e(40014, 'invalid access_token');
    const known = tokens.get(t);
    if (!known) return e(40001, 'invalid credential, access_token is invalid or not latest');
    if (o.now() >= known.expiresAt) return e(42001, 'access_token expired');
    let b: any;
    try {
      b = JSON.parse(r.raw.toString('utf8'));
    } catch {
      return e(47001, 'data format error');
    }
    if (typeof b.touser !== 'string' || !/^o[\w-]{5,}$/.test(b.touser)) return e(40003, 'invalid openid');
    if (!o.followers.includes(b.touser)) return e(43004, 'require subscribe');
    const keywords = o.templates[b.template_id];
    if (!keywords) return e(40037, 'invalid template_id');
    const data: Record<string, string> = {};
    for (const k of keywords) {
      const v = b.data?.[k]?.value;
      if (typeof v !== 'string') return e(47003, `argument invalid! data.${k}.value empty`);
      const rule = LIMITS.find(([re]) => re.test(k));
      if (rule && !rule[1](v)) return e(47003, `argument invalid! data.${k}.value invalid`);
      data[k] = v;
    }
    if (b.client_msg_id !== undefined) {
      if (Buffer.byteLength(String(b.client_msg_id)) > 64) return e(45067, 'clientmsgid size out of limit');
      const key = `${b.touser}|${b.client_msg_id}`;
      const seen = dedupe.get(key);
      if (seen && o.now() - seen.at < 600_000) return { status: 200, body: { errcode: 0, errmsg: 'ok', msgid: seen.msgid } };
    }
    const msgid = 200228300 + delivered.length + 1;
    delivered.push({ touser: b.touser, templateId: b.template_id, data, ...(b.url ? { url: b.url } : {}), msgid });
    if (b.client_msg_id !== undefined) dedupe.set(`${b.touser}|${b.client_msg_id}`, { msgid, at: o.now() });
    return { status: 200, body: { errcode: 0, errmsg: 'ok', msgid } };
  }

  const fake = await startFake((r) => {
    if (r.method === 'GET' && r.url.pathname === '/cgi-bin/token') return token(r);
    if (r.method === 'POST' && r.url.pathname === '/cgi-bin/message/template/send') return send(r);
    return { status: 404, body: 'not found' };
  });
  return Object.assign(fake, {
    delivered,
    tokenRequests: () => tokenHits,
    revokeAll: () => tokens.clear(),
    expireAll: () => {
      for (const t of tokens.values()) t.expiresAt = o.now();
    },
    holdTokens: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
  });
}
