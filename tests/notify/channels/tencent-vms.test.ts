// Contract tests: Tencent Cloud VMS SendTtsVoice against a local fake enforcing TC3 and the documented fields.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/config.ts';
import { createTencentVms } from '../../../src/notify/channels/tencent-vms.ts';
import { startTencentFake, type TencentFake } from '../fakes/tencent.ts';
import { manualClock } from '../fakes/server.ts';
import { T0, live, message } from './helpers.ts';

let clock: ReturnType<typeof manualClock>;
let fake: TencentFake;
const voiceMsg = (over = {}) => message({ channel: 'voice', idempotencyKey: 'alert-17:rung-3:contact-3:voice', ...over });

function client(over: { secretKey?: string; templateId?: string } = {}) {
  return createTencentVms({
    secretId: new Secret('AKIDanxintest'),
    secretKey: new Secret(over.secretKey ?? 'sk-anxin-test'),
    region: 'ap-guangzhou',
    sdkAppId: '1400008888',
    templates: { alert: { id: over.templateId ?? '4356', params: ['place', 'since'] } },
    playTimes: 2,
    baseUrl: fake.url,
    timeoutMs: 5_000,
    now: clock.now,
  });
}

beforeEach(async () => {
  clock = manualClock(T0);
  fake = await startTencentFake({ service: 'vms', secretId: 'AKIDanxintest', secretKey: 'sk-anxin-test', now: clock.now, sdkAppId: '1400008888', templates: { '4356': 2 } });
});
afterEach(() => fake.close());

describe('Tencent SendTtsVoice', () => {
  it('calls the number with the template and returns the CallId', async () => {
    const r = await client().send(voiceMsg(), live());
    expect(r.ok).toBe(true);
    expect(r.ok && r.providerMessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.delivered[0]).toMatchObject({ phone: '+8613800138000', templateId: '4356', params: ['幸福小区3-201', '07:10'], sessionContext: 'alert-17:rung-3:contact-3:voice' });
    expect(fake.requests[0]!.headers['x-tc-action']).toBe('SendTtsVoice');
    expect(fake.requests[0]!.headers['x-tc-version']).toBe('2020-09-02');
    expect(JSON.parse(fake.requests[0]!.raw.toString()).PlayTimes).toBe(2);
  });

  it('signature failure and unapproved template are not retryable', async () => {
    expect(await client({ secretKey: 'nope' }).send(voiceMsg(), live())).toMatchObject({ ok: false, retryable: false, code: 'AuthFailure.SignatureFailure' });
    expect(await client({ templateId: '1' }).send(voiceMsg(), live())).toMatchObject({ ok: false, retryable: false, code: 'FailedOperation.TemplateIncorrectOrUnapproved' });
  });

  it('a second call to the same number within 30 s is a retryable frequency limit', async () => {
    expect((await client().send(voiceMsg(), live())).ok).toBe(true);
    expect(await client().send(voiceMsg(), live())).toMatchObject({ ok: false, retryable: true, code: 'LimitExceeded.PhoneNumberThirtySecondLimit', retryAfterMs: 30_000 });
  });

  it('only mainland mobiles are called (VMS supports no others); checked before any request', async () => {
    expect(await client().send(voiceMsg({ to: { id: 'hk', phone: '85261234567' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'no-phone' });
    expect(fake.requests).toHaveLength(0);
  });

  it('HTTP-200 InternalError and 503 are retryable; a hang ends on abort as a retryable timeout', async () => {
    fake.override({ kind: 'json', body: { Response: { Error: { Code: 'InternalError', Message: 'x' }, RequestId: 'r' } } });
    expect(await client().send(voiceMsg(), live())).toMatchObject({ ok: false, retryable: true, code: 'InternalError' });
    fake.override({ kind: 'status', status: 503, body: 'unavailable', headers: { 'retry-after': '7' } });
    expect(await client().send(voiceMsg(), live())).toMatchObject({ ok: false, retryable: true, code: 'http-503', retryAfterMs: 7_000 });
    fake.override({ kind: 'hang' });
    const ac = new AbortController();
    const pending = client().send(voiceMsg(), ac.signal);
    await fake.arrived(3);
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
  });
});
