// The app wired to a real provider channel: config.notify.channels.tencent → createChannels →
// Tencent SendSms over HTTP to a local fake that enforces the documented contract (TC3 signature
// recomputed from the received bytes, template variable counts and the 12-character limit of
// individually verified accounts, a blacklist answered as an HTTP-200 error). The ladder's
// idempotency key reaches the provider as SessionContext; a number that fails for good hands
// the alert to the next rung.
import { afterEach, describe, expect, it } from 'vitest';
import { startTencentFake, type TencentFake } from './fakes/tencent.ts';
import { AppRun, MIN, T0 } from './app-harness.ts';

let fake: TencentFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('the app with Tencent SMS configured', () => {
  it('sends the ladder through the provider with its registered templates; a blacklisted number escalates', async () => {
    const clock = { now: T0 };
    fake = await startTencentFake({
      service: 'sms',
      secretId: 'AKIDanxin',
      secretKey: 'sk-anxin',
      now: () => clock.now,
      sdkAppId: '1400009999',
      signName: '安心',
      templates: { '200001': 4, '200002': 1 },
      maxVariableChars: 12,
      blacklist: ['+8613800000002'],
    });
    const r = new AppRun(undefined, {
      clock,
      notifiers: false,
      config: {
        notify: {
          policy: { checkIn: { enabled: true } },
          channels: {
            tencent: {
              secretId: 'AKIDanxin',
              secretKey: 'sk-anxin',
              sms: {
                sdkAppId: '1400009999',
                signName: '安心',
                baseUrl: fake.url,
                templates: { alert: { id: '200001', params: ['name', 'what', 'since', 'token'] }, 'check-in': { id: '200002', params: ['token'] } },
              },
            },
          },
        },
      },
    }).seed();
    const a = r.raise('no-usage', { reason: { zh: '平时 07:10 前会用水', en: 'usually by 07:10', facts: { lastUse: '21:22' } } });
    await r.advance(T0 + 31 * MIN);
    const elder = r.contact('elder');
    expect(fake.delivered[0]).toMatchObject({ phone: '+8613900000001', templateId: '200002', sessionContext: `${a.id}:check-in:${elder.id}:sms` });
    expect(fake.delivered[0]!.params[0]).toMatch(/^[0-9a-z][\w-]{8}$/); // the link token, 12 characters or fewer
    // The grid worker's number is blacklisted (HTTP 200 with an error): not retryable. His next
    // channel, WeChat, has no provider: with a real provider configured, an outbox stand-in reaches
    // nobody and does not count as delivered. So the family is told at once, not 20 min later.
    const grid = r.rows(a.id).find((n) => n.step === 'rung-1')!;
    expect(grid.status).toBe('failed');
    const attempts = r.app.store.outbox.attempts(grid.id);
    expect(attempts[0]).toMatchObject({ channel: 'sms', provider: 'tencent-sms', ok: false });
    expect(attempts[0]!.code).toMatch(/Blacklist|BlackList|blacklist/i);
    expect(attempts[1]).toMatchObject({ channel: 'wechat', provider: 'outbox', ok: false, code: 'channel-not-configured' });
    expect(fake.delivered.map((d) => `${d.phone} ${d.templateId} ${d.params.slice(0, 3).join('|')}`)).toEqual([
      expect.stringMatching(/^\+8613900000001 200002 /),
      '+8613700000003 200001 王秀英|长时间未用水|21:22',
    ]);
    await r.app.stop();
  });
});
