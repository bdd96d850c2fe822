// Contract tests: Alibaba Cloud SendSms (dysmsapi 2017-05-25, ACS3-HMAC-SHA256) against a local enforcing fake.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/config.ts';
import { createAliyunSms } from '../../../src/notify/channels/aliyun-sms.ts';
import { acs3CanonicalQuery, signAcs3 } from '../../../src/notify/sign/acs3.ts';
import { startAliyunFake, type AliyunFake } from '../fakes/aliyun.ts';
import { manualClock } from '../fakes/server.ts';
import { T0, live, message } from './helpers.ts';

let clock: ReturnType<typeof manualClock>;
let fake: AliyunFake;
let n = 0;

function client(over: { secret?: string; now?: () => number; nonce?: () => string; templateCode?: string } = {}) {
  return createAliyunSms({
    accessKeyId: new Secret('LTAIanxintest'),
    accessKeySecret: new Secret(over.secret ?? 'aliyun-secret-test'),
    signName: '安心社区',
    templates: { alert: { id: over.templateCode ?? 'SMS_15305001', params: ['place', 'since', 'action'] }, 'check-in': { id: 'SMS_15305002', params: [] } },
    baseUrl: fake.url,
    timeoutMs: 5_000,
    now: over.now ?? clock.now,
    nonce: over.nonce ?? (() => `nonce-${++n}`),
  });
}

async function restart(limits: { minute?: number; hour?: number; day?: number }) {
  await fake.close();
  fake = await startAliyunFake({ accessKeyId: 'LTAIanxintest', accessKeySecret: 'aliyun-secret-test', now: clock.now, signName: '安心社区', templates: { SMS_15305001: ['place', 'since', 'action'], SMS_15305002: ['since'] }, limits });
}

beforeEach(async () => {
  clock = manualClock(T0);
  fake = await startAliyunFake({ accessKeyId: 'LTAIanxintest', accessKeySecret: 'aliyun-secret-test', now: clock.now, signName: '安心社区', templates: { SMS_15305001: ['place', 'since', 'action'], SMS_15305002: ['since'] } });
});
afterEach(() => fake.close());

describe('Alibaba SendSms', () => {
  it('sends with named TemplateParam and OutId = idempotency key; Code OK → BizId', async () => {
    const r = await client().send(message(), live());
    expect(r).toEqual({ ok: true, providerMessageId: '900619746936498440^1' });
    expect(fake.delivered).toEqual([{ phone: '13800138000', templateCode: 'SMS_15305001', params: { place: '幸福小区3-201', since: '07:10', action: '请上门查看' }, outId: 'alert-17:rung-1:contact-3:sms', at: T0 }]);
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['x-acs-action']).toBe('SendSms');
    expect(req.headers['x-acs-version']).toBe('2017-05-25');
    expect(req.headers['x-acs-date']).toBe('2026-12-01T02:00:00Z');
    expect(req.raw.length).toBe(0);
  });

  it('gateway errors (HTTP 4xx) are not retryable: wrong secret, unknown AccessKey, stale clock', async () => {
    expect(await client({ secret: 'wrong' }).send(message(), live())).toMatchObject({ ok: false, retryable: false, code: 'SignatureDoesNotMatch' });
    const stale = client({ now: () => T0 - 16 * 60_000 });
    expect(await stale.send(message(), live())).toMatchObject({ ok: false, retryable: false, code: 'InvalidTimeStamp.Expired' });
    const bad = createAliyunSms({ accessKeyId: new Secret('LTAIother'), accessKeySecret: new Secret('x'), signName: '安心社区', templates: { alert: { id: 'SMS_15305001', params: [] } }, baseUrl: fake.url, timeoutMs: 5_000, now: clock.now });
    expect(await bad.send(message(), live())).toMatchObject({ ok: false, retryable: false, code: 'InvalidAccessKeyId.NotFound' });
    expect(fake.delivered).toHaveLength(0);
  });

  it('the fake recomputes the signature from what it received: a query or body changed after signing is rejected', async () => {
    const query = { PhoneNumbers: '13800138000', SignName: '安心社区', TemplateCode: 'SMS_15305002', TemplateParam: '{"since":"07:10"}' };
    const h = signAcs3({ accessKeyId: 'LTAIanxintest', accessKeySecret: 'aliyun-secret-test', method: 'POST', host: new URL(fake.url).host, action: 'SendSms', version: '2017-05-25', query, body: '', date: '2026-12-01T02:00:00Z', nonce: 'n-a' });
    const changed = acs3CanonicalQuery({ ...query, PhoneNumbers: '13900139000' });
    const r1 = await fetch(`${fake.url}/?${changed}`, { method: 'POST', headers: h });
    expect([r1.status, (await r1.json()).Code]).toEqual([400, 'SignatureDoesNotMatch']);
    const r2 = await fetch(`${fake.url}/?${acs3CanonicalQuery(query)}`, { method: 'POST', headers: h, body: 'x' });
    expect([r2.status, (await r2.json()).Code]).toEqual([400, 'SignatureDoesNotMatch']);
    const r3 = await fetch(`${fake.url}/?${acs3CanonicalQuery(query)}`, { method: 'POST', headers: h });
    expect((await r3.json()).Code).toBe('OK');
  });

  it('a replayed nonce is SignatureNonceUsed, which is retryable (the next attempt draws a fresh nonce)', async () => {
    const sms = client({ nonce: () => 'same-nonce' });
    expect((await sms.send(message(), live())).ok).toBe(true);
    expect(await sms.send(message({ idempotencyKey: 'k2' }), live())).toMatchObject({ ok: false, retryable: true, code: 'SignatureNonceUsed' });
  });

  it('HTTP-200 business errors are not retryable: bad number, unknown template, value over 35 characters', async () => {
    expect(await client().send(message({ to: { id: 'x', phone: '0123' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'no-phone' });
    expect(await client().send(message({ to: { id: 'x', phone: '1234567' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    expect(await client({ templateCode: 'SMS_0' }).send(message(), live())).toMatchObject({ ok: false, retryable: false, code: 'isv.SMS_TEMPLATE_ILLEGAL' });
    const long = '幸福小区三期北区十二栋三单元二零一室东侧靠近电梯那一户请从北门进入后左转第二栋';
    expect(await client().send(message({ params: { place: long, since: '07:10', action: '请上门查看' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'isv.PARAM_LENGTH_LIMIT' });
  });

  it('isv.BUSINESS_LIMIT_CONTROL is retryable, with the window its message names (minute / hour / day)', async () => {
    await restart({ minute: 1, hour: 2, day: 3 });
    const sms = client();
    expect((await sms.send(message(), live())).ok).toBe(true);
    expect(await sms.send(message({ idempotencyKey: 'k2' }), live())).toEqual({ ok: false, retryable: true, code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发分钟级流控Permits:1', retryAfterMs: 60_000 });
    clock.advance(60_000);
    expect((await sms.send(message({ idempotencyKey: 'k2' }), live())).ok).toBe(true);
    clock.advance(60_000);
    expect(await sms.send(message({ idempotencyKey: 'k3' }), live())).toMatchObject({ retryable: true, message: '触发小时级流控Permits:2', retryAfterMs: 3_600_000 });
    clock.advance(3_600_000);
    expect((await sms.send(message({ idempotencyKey: 'k3' }), live())).ok).toBe(true);
    clock.advance(3_600_000);
    expect(await sms.send(message({ idempotencyKey: 'k4' }), live())).toMatchObject({ retryable: true, message: '触发天级流控Permits:3', retryAfterMs: 86_400_000 });
  });

  it('isp.SYSTEM_ERROR (HTTP 200) and Throttling.User are retryable; 500 is retryable', async () => {
    fake.override({ kind: 'json', body: { Code: 'isp.SYSTEM_ERROR', Message: '系统错误', RequestId: 'r' } });
    expect(await client().send(message(), live())).toMatchObject({ ok: false, retryable: true, code: 'isp.SYSTEM_ERROR' });
    fake.override({ kind: 'status', status: 400, body: JSON.stringify({ Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' }) });
    expect(await client().send(message(), live())).toMatchObject({ ok: false, retryable: true, code: 'Throttling.User', retryAfterMs: 1_000 });
    fake.override({ kind: 'status', status: 500, body: '' });
    expect(await client().send(message(), live())).toMatchObject({ ok: false, retryable: true, code: 'http-500' });
  });

  it('a hung provider ends on abort as a retryable timeout', async () => {
    fake.override({ kind: 'hang' });
    const ac = new AbortController();
    const pending = client().send(message(), ac.signal);
    await fake.arrived(1);
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
  });
});
