// Contract tests: Tencent Cloud SMS SendSms against a local fake that enforces the documented contract.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/config.ts';
import { createTencentSms } from '../../../src/notify/channels/tencent-sms.ts';
import { signTc3 } from '../../../src/notify/sign/tc3.ts';
import { startTencentFake, type TencentFake } from '../fakes/tencent.ts';
import { manualClock } from '../fakes/server.ts';
import { T0, live, message } from './helpers.ts';

const APP = '1400006666';
let clock: ReturnType<typeof manualClock>;
let fake: TencentFake;

function client(over: { secretKey?: string; now?: () => number; templateId?: string; sdkAppId?: string; baseUrl?: string } = {}) {
  return createTencentSms({
    secretId: new Secret('AKIDanxintest'),
    secretKey: new Secret(over.secretKey ?? 'sk-anxin-test'),
    region: 'ap-guangzhou',
    sdkAppId: over.sdkAppId ?? APP,
    signName: '安心社区',
    templates: { alert: { id: over.templateId ?? '100001', params: ['place', 'since', 'action'] }, 'check-in': { id: '100002', params: ['since'] } },
    baseUrl: over.baseUrl ?? fake.url,
    timeoutMs: 5_000,
    now: over.now ?? clock.now,
  });
}

beforeEach(async () => {
  clock = manualClock(T0);
  fake = await startTencentFake({ service: 'sms', secretId: 'AKIDanxintest', secretKey: 'sk-anxin-test', now: clock.now, sdkAppId: APP, signName: '安心社区', templates: { '100001': 3, '100002': 1 }, blacklist: ['+8613900000000'] });
});
afterEach(() => fake.close());

describe('Tencent SendSms', () => {
  it('sends one number with the template variables in order and the idempotency key as SessionContext', async () => {
    const r = await client().send(message(), live());
    expect(r).toEqual({ ok: true, providerMessageId: '2433:1' });
    expect(fake.delivered).toEqual([{ phone: '+8613800138000', templateId: '100001', params: ['幸福小区3-201', '07:10', '请上门查看'], sessionContext: 'alert-17:rung-1:contact-3:sms', at: T0 }]);
    const req = fake.requests[0]!;
    expect(req.headers['x-tc-action']).toBe('SendSms');
    expect(req.headers['x-tc-version']).toBe('2021-01-11');
    expect(req.headers['x-tc-region']).toBe('ap-guangzhou');
  });

  it('a wrong SecretKey is AuthFailure.SignatureFailure (HTTP 200 error), not retryable', async () => {
    const r = await client({ secretKey: 'wrong' }).send(message(), live());
    expect(r).toMatchObject({ ok: false, retryable: false, code: 'AuthFailure.SignatureFailure' });
    expect(fake.delivered).toHaveLength(0);
  });

  it('the fake recomputes the signature from the bytes received: a body changed after signing is rejected', async () => {
    const signedFor = JSON.stringify({ PhoneNumberSet: ['+8613800138000'], SmsSdkAppId: APP, SignName: '安心社区', TemplateId: '100002', TemplateParamSet: ['07:10'] });
    const sent = signedFor.replace('07:10', '09:40');
    const headers = signTc3({ secretId: 'AKIDanxintest', secretKey: 'sk-anxin-test', service: 'sms', host: new URL(fake.url).host, action: 'SendSms', version: '2021-01-11', region: 'ap-guangzhou', timestampSec: T0 / 1000, payload: signedFor });
    const res = await fetch(fake.url, { method: 'POST', headers, body: sent });
    expect((await res.json()).Response.Error.Code).toBe('AuthFailure.SignatureFailure');
    const ok = await fetch(fake.url, { method: 'POST', headers, body: signedFor });
    expect((await ok.json()).Response.SendStatusSet[0].Code).toBe('Ok');
  });

  it('a clock more than 5 minutes off is AuthFailure.SignatureExpire, not retryable', async () => {
    const r = await client({ now: () => T0 - 6 * 60_000 }).send(message(), live());
    expect(r).toMatchObject({ ok: false, retryable: false, code: 'AuthFailure.SignatureExpire' });
  });

  it('per-number 30-second limit: LimitExceeded.PhoneNumberThirtySecondLimit, retryable after 30 s', async () => {
    const sms = client();
    expect((await sms.send(message(), live())).ok).toBe(true);
    const r = await sms.send(message({ idempotencyKey: 'alert-17:rung-2:contact-3:sms' }), live());
    expect(r).toEqual({ ok: false, retryable: true, code: 'LimitExceeded.PhoneNumberThirtySecondLimit', message: 'frequency limit reached', retryAfterMs: 30_000 });
    clock.advance(30_000);
    expect((await sms.send(message({ idempotencyKey: 'alert-17:rung-2:contact-3:sms' }), live())).ok).toBe(true);
    expect(fake.delivered).toHaveLength(2);
  });

  it('per-number hourly limit (5/hour): the 6th within the hour is PhoneNumberOneHourLimit, retryable after 1 h', async () => {
    const sms = client();
    for (let i = 0; i < 5; i++) {
      expect((await sms.send(message({ idempotencyKey: `k${i}` }), live())).ok).toBe(true);
      clock.advance(31_000);
    }
    expect(await sms.send(message({ idempotencyKey: 'k5' }), live())).toMatchObject({ ok: false, retryable: true, code: 'LimitExceeded.PhoneNumberOneHourLimit', retryAfterMs: 3_600_000 });
  });

  it('per-number daily limit: PhoneNumberDailyLimit, retryable after the next Beijing midnight', async () => {
    await fake.close();
    fake = await startTencentFake({ service: 'sms', secretId: 'AKIDanxintest', secretKey: 'sk-anxin-test', now: clock.now, sdkAppId: APP, signName: '安心社区', templates: { '100001': 3 }, limits: { thirtySeconds: 1, hour: 100, day: 2 } });
    const sms = client();
    for (let i = 0; i < 2; i++) {
      expect((await sms.send(message({ idempotencyKey: `d${i}` }), live())).ok).toBe(true);
      clock.advance(60_000);
    }
    // Now 10:02 Beijing time: the next natural day starts in 13 h 58 min.
    expect(await sms.send(message({ idempotencyKey: 'd2' }), live())).toMatchObject({ ok: false, retryable: true, code: 'LimitExceeded.PhoneNumberDailyLimit', retryAfterMs: (13 * 60 + 58) * 60_000 });
  });

  it('per-number errors in SendStatusSet are not retryable: incorrect number, black list', async () => {
    expect(await client().send(message({ to: { id: 'x', phone: '12345678' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'InvalidParameterValue.IncorrectPhoneNumber' });
    expect(await client().send(message({ to: { id: 'y', phone: '13900000000' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'FailedOperation.PhoneNumberInBlacklist' });
  });

  it('request errors are not retryable: unapproved template, wrong SdkAppId, variable too long', async () => {
    expect(await client({ templateId: '999999' }).send(message(), live())).toMatchObject({ ok: false, retryable: false, code: 'FailedOperation.TemplateIncorrectOrUnapproved' });
    expect(await client({ sdkAppId: '1400000000' }).send(message(), live())).toMatchObject({ ok: false, retryable: false, code: 'UnauthorizedOperation.SmsSdkAppIdVerifyFail' });
    await fake.close();
    fake = await startTencentFake({ service: 'sms', secretId: 'AKIDanxintest', secretKey: 'sk-anxin-test', now: clock.now, sdkAppId: APP, signName: '安心社区', templates: { '100001': 3 }, maxVariableChars: 12 });
    expect(await client().send(message({ params: { place: '幸福小区三期北区12栋3单元201室', since: '07:10', action: '请上门' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'InvalidParameterValue.TemplateParameterLengthLimit' });
  });

  it('HTTP-200 InternalError and RequestLimitExceeded are retryable', async () => {
    fake.override({ kind: 'json', body: { Response: { Error: { Code: 'InternalError.Timeout', Message: 'timeout' }, RequestId: 'r' } } });
    expect(await client().send(message(), live())).toMatchObject({ ok: false, retryable: true, code: 'InternalError.Timeout' });
    fake.override({ kind: 'json', body: { Response: { Error: { Code: 'RequestLimitExceeded', Message: 'qps' }, RequestId: 'r' } } });
    expect(await client().send(message(), live())).toMatchObject({ ok: false, retryable: true, code: 'RequestLimitExceeded', retryAfterMs: 1_000 });
  });

  it('5xx is retryable (http-502), and a non-JSON 200 is retryable bad-response', async () => {
    fake.override({ kind: 'status', status: 502, body: '<html>bad gateway</html>' });
    expect(await client().send(message(), live())).toMatchObject({ ok: false, retryable: true, code: 'http-502' });
    fake.override({ kind: 'status', status: 200, body: '<html>captive portal</html>' });
    expect(await client().send(message(), live())).toMatchObject({ ok: false, retryable: true, code: 'bad-response' });
  });

  it('a hung provider ends when the pipeline aborts: retryable timeout', async () => {
    fake.override({ kind: 'hang' });
    const ac = new AbortController();
    const pending = client().send(message(), ac.signal);
    await fake.arrived(1);
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
  });

  it("the channel's own timeout ends a hung call too (timeoutMs), also as a retryable timeout", async () => {
    fake.override({ kind: 'hang' });
    const sms = createTencentSms({ secretId: new Secret('AKIDanxintest'), secretKey: new Secret('sk-anxin-test'), region: 'ap-guangzhou', sdkAppId: APP, signName: '安心社区', templates: { alert: { id: '100001', params: ['place', 'since', 'action'] } }, baseUrl: fake.url, timeoutMs: 100, now: clock.now });
    expect(await sms.send(message(), live())).toEqual({ ok: false, retryable: true, code: 'timeout', message: 'no answer within 100 ms' });
  });

  it('an unreachable endpoint is a retryable network failure', async () => {
    const url = fake.url;
    await fake.close();
    expect(await client({ baseUrl: url }).send(message(), live())).toMatchObject({ ok: false, retryable: true, code: 'network' });
    fake = await startTencentFake({ service: 'sms', secretId: 'x', secretKey: 'x', now: clock.now, sdkAppId: APP, templates: {} });
  });

  it('local misconfiguration never reaches the provider: unknown template, missing param, no phone', async () => {
    expect(await client().send(message({ template: 'reminder' }), live())).toMatchObject({ ok: false, retryable: false, code: 'template-not-configured' });
    expect(await client().send(message({ params: { place: 'x' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'template-param-missing' });
    expect(await client().send(message({ to: { id: 'z' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'no-phone' });
    expect(fake.requests).toHaveLength(0);
  });
});
