// The channel settings schema and createChannels: provider choice, outbox fallback, secrets never printed.
import { afterEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { ChannelsConfigSchema, createChannels } from '../../../src/notify/channels/config.ts';
import type { OutgoingMessage } from '../../../src/notify/types.ts';
import { startTencentFake, type TencentFake } from '../fakes/tencent.ts';
import { manualClock } from '../fakes/server.ts';
import { T0, live, message } from './helpers.ts';

const stored: OutgoingMessage[] = [];
const deps = { outboxSink: (m: OutgoingMessage) => void stored.push(m) };
let fake: TencentFake | undefined;
afterEach(async () => {
  stored.length = 0;
  await fake?.close();
  fake = undefined;
});

const tencent = { secretId: 'AKIDanxintest', secretKey: 'sk-anxin-test', sms: { sdkAppId: '1400006666', signName: '安心社区', templates: { alert: { id: '100001', params: ['place', 'since', 'action'] } } } };
const aliyun = { accessKeyId: 'LTAIanxintest', accessKeySecret: 'aliyun-secret-test', signName: '安心社区', templates: { alert: { id: 'SMS_1' } } };

describe('channels config', () => {
  it('with nothing configured every kind is the outbox, which stores the message and reports ok', async () => {
    const ch = createChannels(ChannelsConfigSchema.parse({}), deps);
    expect([...ch.keys()].sort()).toEqual(['outbox', 'sms', 'voice', 'wechat', 'wecom']);
    for (const n of ch.values()) expect(n.provider).toBe('outbox');
    expect(ch.get('sms')!.kind).toBe('sms');
    expect(await ch.get('sms')!.send(message(), live())).toEqual({ ok: true, providerMessageId: 'outbox:alert-17:rung-1:contact-3:sms' });
    expect(stored).toHaveLength(1);
  });

  it('an outbox whose sink fails is retryable (our own storage), and honours an aborted signal', async () => {
    const ch = createChannels(ChannelsConfigSchema.parse({}), { outboxSink: () => { throw new Error('SQLITE_BUSY'); } });
    expect(await ch.get('sms')!.send(message(), live())).toEqual({ ok: false, retryable: true, code: 'outbox-sink', message: 'SQLITE_BUSY' });
    const ac = new AbortController();
    ac.abort();
    expect(await ch.get('outbox')!.send(message(), ac.signal)).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
  });

  it("auto picks Tencent for 'sms' when both are configured, Alibaba when only it is, and honours an explicit choice", () => {
    expect(createChannels(ChannelsConfigSchema.parse({ tencent, aliyun }), deps).get('sms')!.provider).toBe('tencent-sms');
    expect(createChannels(ChannelsConfigSchema.parse({ aliyun }), deps).get('sms')!.provider).toBe('aliyun-sms');
    expect(createChannels(ChannelsConfigSchema.parse({ tencent, aliyun, smsProvider: 'aliyun' }), deps).get('sms')!.provider).toBe('aliyun-sms');
    expect(createChannels(ChannelsConfigSchema.parse({ tencent, smsProvider: 'outbox' }), deps).get('sms')!.provider).toBe('outbox');
    expect(() => createChannels(ChannelsConfigSchema.parse({ smsProvider: 'aliyun' }), deps)).toThrow(/channels.aliyun is not configured/);
  });

  it('voice, wecom and wechat switch on when configured', () => {
    const ch = createChannels(
      ChannelsConfigSchema.parse({
        tencent: { ...tencent, vms: { sdkAppId: '1400008888', templates: { alert: { id: '4356', params: ['place'] } } } },
        wecom: {},
        wechat: { appId: 'wx01', appSecret: 'wechat-secret', templates: { alert: { id: 'T', fields: { thing1: 'place' } } } },
      }),
      deps,
    );
    expect(ch.get('voice')!.provider).toBe('tencent-vms');
    expect(ch.get('wecom')!.provider).toBe('wecom-robot');
    expect(ch.get('wechat')!.provider).toBe('wechat-oa');
  });

  it('keys are Secrets: the parsed config never prints them', () => {
    const cfg = ChannelsConfigSchema.parse({ tencent, aliyun });
    const printed = `${JSON.stringify(cfg)} ${inspect(cfg, { depth: 10 })}`;
    for (const s of ['sk-anxin-test', 'AKIDanxintest', 'aliyun-secret-test', 'LTAIanxintest']) expect(printed).not.toContain(s);
    expect(cfg.tencent!.secretKey.reveal()).toBe('sk-anxin-test');
  });

  it('bad settings are clear errors: unknown keys, a non-numeric SdkAppId, an empty sign name, a bad URL', () => {
    const issues = (input: unknown) => ChannelsConfigSchema.safeParse(input).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(issues({ tencnet: {} })).toEqual(['']);
    expect(issues({ tencent: { ...tencent, sms: { ...tencent.sms, sdkAppId: 'abc' } } })).toEqual(['tencent.sms.sdkAppId']);
    expect(issues({ aliyun: { ...aliyun, signName: '' } })).toEqual(['aliyun.signName']);
    expect(issues({ wecom: { baseUrl: 'not a url' } })).toEqual(['wecom.baseUrl']);
  });

  it('a configured provider really sends through createChannels (base URL and injected clock)', async () => {
    const clock = manualClock(T0);
    fake = await startTencentFake({ service: 'sms', secretId: 'AKIDanxintest', secretKey: 'sk-anxin-test', now: clock.now, sdkAppId: '1400006666', signName: '安心社区', templates: { '100001': 3 } });
    const ch = createChannels(ChannelsConfigSchema.parse({ tencent: { ...tencent, sms: { ...tencent.sms, baseUrl: fake.url } } }), { ...deps, now: clock.now });
    expect(await ch.get('sms')!.send(message(), live())).toMatchObject({ ok: true });
    expect(fake.delivered).toHaveLength(1);
    expect(stored).toHaveLength(0);
  });
});
