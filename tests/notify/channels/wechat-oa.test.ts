// Contract tests: WeChat Official Account template messages and the central access-token cache.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/config.ts';
import { createWechatOa } from '../../../src/notify/channels/wechat-oa.ts';
import { startWechatFake, type WechatFake } from '../fakes/wechat.ts';
import { manualClock } from '../fakes/server.ts';
import { T0, live, message } from './helpers.ts';

let clock: ReturnType<typeof manualClock>;
let fake: WechatFake;
const SEND = '/cgi-bin/message/template/send';
const TPL = 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY';

function client(over: { secret?: string } = {}) {
  return createWechatOa({
    appId: 'wx0123456789abcdef',
    appSecret: new Secret(over.secret ?? 'wechat-app-secret'),
    templates: { alert: { id: TPL, fields: { thing1: 'place', time2: 'since', thing3: 'action' } } },
    refreshMarginSeconds: 300,
    baseUrl: fake.url,
    timeoutMs: 5_000,
    now: clock.now,
  });
}
const wx = (over = {}) => message({ channel: 'wechat', idempotencyKey: 'alert-17:rung-2:contact-3:wechat', params: { place: '幸福小区3-201', since: '07:10', action: '请上门查看', link: 'https://anxin.example/a/abc' }, ...over });
const sends = () => fake.requests.filter((r) => r.url.pathname.endsWith('/template/send')).length;

beforeEach(async () => {
  clock = manualClock(T0);
  fake = await startWechatFake({ appId: 'wx0123456789abcdef', appSecret: 'wechat-app-secret', now: clock.now, followers: ['oOPENID-wang', 'oOPENID-li'], templates: { [TPL]: ['thing1', 'time2', 'thing3'] } });
});
afterEach(() => fake.close());

describe('WeChat OA template message', () => {
  it('fetches one token, caches it, and sends keyword data, the link and client_msg_id', async () => {
    const oa = client();
    const r = await oa.send(wx(), live());
    expect(r).toEqual({ ok: true, providerMessageId: '200228301' });
    expect(await oa.send(wx({ to: { id: 'c4', wechatOpenId: 'oOPENID-li' } }), live())).toMatchObject({ ok: true });
    expect(fake.tokenRequests()).toBe(1);
    expect(fake.delivered[0]).toEqual({ touser: 'oOPENID-wang', templateId: TPL, data: { thing1: '幸福小区3-201', time2: '07:10', thing3: '请上门查看' }, url: 'https://anxin.example/a/abc', msgid: 200228301 });
    expect(JSON.parse(fake.requests[1]!.raw.toString()).client_msg_id).toBe('alert-17:rung-2:contact-3:wechat');
  });

  it('refreshes the token before expires_in runs out (margin 300 s), without a failed send first', async () => {
    const oa = client();
    await oa.send(wx(), live());
    clock.advance((7200 - 300) * 1000);
    expect((await oa.send(wx({ idempotencyKey: 'k2' }), live())).ok).toBe(true);
    expect(fake.tokenRequests()).toBe(2);
    expect(sends()).toBe(2);
  });

  it('42001 (expired) refreshes the token and retries once', async () => {
    const oa = client();
    await oa.send(wx(), live());
    fake.expireAll();
    expect(await oa.send(wx({ idempotencyKey: 'k2' }), live())).toMatchObject({ ok: true });
    expect(fake.tokenRequests()).toBe(2);
    expect(sends()).toBe(3);
  });

  it('40001 (token replaced elsewhere) refreshes and retries once; a second token error is not retried again', async () => {
    const oa = client();
    await oa.send(wx(), live());
    fake.revokeAll();
    expect((await oa.send(wx({ idempotencyKey: 'k2' }), live())).ok).toBe(true);
    expect(fake.tokenRequests()).toBe(2);
    fake.override({ kind: 'json', body: { errcode: 40001, errmsg: 'invalid credential' } }, SEND);
    fake.override({ kind: 'json', body: { errcode: 40014, errmsg: 'invalid access_token' } }, SEND);
    const before = sends();
    expect(await oa.send(wx({ idempotencyKey: 'k3' }), live())).toMatchObject({ ok: false, retryable: true, code: '40014' });
    expect(sends() - before).toBe(2);
    expect(fake.tokenRequests()).toBe(3);
  });

  it('concurrent first sends share one token fetch', async () => {
    const oa = client();
    const rs = await Promise.all([oa.send(wx(), live()), oa.send(wx({ to: { id: 'c4', wechatOpenId: 'oOPENID-li' } }), live()), oa.send(wx({ idempotencyKey: 'k3' }), live())]);
    expect(rs.every((r) => r.ok)).toBe(true);
    expect(fake.tokenRequests()).toBe(1);
  });

  it('concurrent sends that all hit 40001 share ONE refresh', async () => {
    const oa = client();
    await oa.send(wx(), live());
    fake.revokeAll();
    const release = fake.holdTokens();
    const pending = Promise.all([oa.send(wx({ idempotencyKey: 'a' }), live()), oa.send(wx({ idempotencyKey: 'b', to: { id: 'c4', wechatOpenId: 'oOPENID-li' } }), live())]);
    await fake.arrived(5); // token, send, two rejected sends, one held refresh
    release();
    const rs = await pending;
    expect(rs.map((r) => r.ok)).toEqual([true, true]);
    expect(fake.tokenRequests()).toBe(2);
    expect(fake.delivered).toHaveLength(3);
  });

  it('the same idempotency key within 10 minutes is delivered once (client_msg_id)', async () => {
    const oa = client();
    const a = await oa.send(wx(), live());
    const b = await oa.send(wx(), live());
    expect(a).toEqual(b);
    expect(fake.delivered).toHaveLength(1);
  });

  it('token endpoint failures: wrong AppSecret is not retryable; -1 and 5xx are', async () => {
    expect(await client({ secret: 'wrong' }).send(wx(), live())).toMatchObject({ ok: false, retryable: false, code: 'token:40125' });
    fake.override({ kind: 'json', body: { errcode: -1, errmsg: 'system error' } });
    expect(await client().send(wx(), live())).toMatchObject({ ok: false, retryable: true, code: 'token:-1' });
    fake.override({ kind: 'status', status: 503 });
    expect(await client().send(wx(), live())).toMatchObject({ ok: false, retryable: true, code: 'http-503' });
    expect(sends()).toBe(0);
  });

  it('send errors: not a follower 43004, bad openid 40003, value too long 47003 are not retryable; -1 is', async () => {
    const oa = client();
    expect(await oa.send(wx({ to: { id: 'z', wechatOpenId: 'oOPENID-stranger' } }), live())).toMatchObject({ ok: false, retryable: false, code: '43004' });
    expect(await oa.send(wx({ to: { id: 'z', wechatOpenId: 'not-an-openid' } }), live())).toMatchObject({ ok: false, retryable: false, code: '40003' });
    expect(await oa.send(wx({ params: { place: '幸福小区三期北区十二栋三单元二零一室东侧门', since: '07:10', action: '请上门查看' } }), live())).toMatchObject({ ok: false, retryable: false, code: '47003' });
    fake.override({ kind: 'json', body: { errcode: -1, errmsg: 'system busy' } });
    expect(await oa.send(wx(), live())).toMatchObject({ ok: false, retryable: true, code: '-1' });
    expect(await oa.send(wx({ to: { id: 'n' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'no-openid' });
  });

  it('a hung send and a hung token fetch both end on abort as retryable timeouts', async () => {
    const oa = client();
    await oa.send(wx(), live());
    fake.override({ kind: 'hang' });
    const ac = new AbortController();
    const pending = oa.send(wx({ idempotencyKey: 'h1' }), ac.signal);
    await fake.arrived(3);
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, retryable: true, code: 'timeout' });

    const fresh = client();
    fake.override({ kind: 'hang' });
    const ac2 = new AbortController();
    const p2 = fresh.send(wx({ idempotencyKey: 'h2' }), ac2.signal);
    await fake.arrived(4);
    ac2.abort();
    expect(await p2).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
  });
});
