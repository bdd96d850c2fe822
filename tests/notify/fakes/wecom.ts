// Fake WeCom group-robot webhook (qyapi.weixin.qq.com/cgi-bin/webhook/send) enforcing the documented
// contract: known key (93000 otherwise), JSON msgtype markdown, content ≤ 4096 UTF-8 bytes (40058),
// 20 messages per minute per robot (45009). Always HTTP 200 with {errcode, errmsg}.
import { startFake, type Answer, type Fake } from './server.ts';

export interface WecomFake extends Fake {
  delivered: { key: string; content: string; at: number }[];
}

export async function startWecomFake(o: { keys: string[]; now: () => number; perMinute?: number }): Promise<WecomFake> {
  const delivered: WecomFake['delivered'] = [];
  const perMinute = o.perMinute ?? 20;
  const e = (errcode: number, errmsg: string): Answer => ({ status: 200, body: { errcode, errmsg } });
  const fake = await startFake((r) => {
    if (r.method !== 'POST' || r.url.pathname !== '/cgi-bin/webhook/send') return { status: 404, body: 'not found' };
    const key = r.url.searchParams.get('key') ?? '';
    if (!o.keys.includes(key)) return e(93000, 'invalid webhook url');
    let b: any;
    try {
      b = JSON.parse(r.raw.toString('utf8'));
    } catch {
      return e(40016, 'invalid json');
    }
    if (b?.msgtype !== 'markdown' || typeof b?.markdown?.content !== 'string') return e(40008, 'invalid message type');
    if (Buffer.byteLength(b.markdown.content, 'utf8') > 4096) return e(40058, 'markdown.content exceed max length 4096');
    const now = o.now();
    if (delivered.filter((d) => d.key === key && now - d.at < 60_000).length >= perMinute) return e(45009, 'api freq out of limit');
    delivered.push({ key, content: b.markdown.content, at: now });
    return e(0, 'ok');
  });
  return Object.assign(fake, { delivered });
}
