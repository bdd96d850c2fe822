// Channel settings (one zod slice; the other helper mounts it under the app config) and the factory
// that turns them into one Notifier per ChannelKind. Anything not configured falls back to the
// outbox channel, so `npm start` without credentials stores and logs what would have been sent.
import { z } from 'zod';
import { Secret } from '../../config.ts';
import type { ChannelKind, Notifier } from '../types.ts';
import { createOutboxChannel, type OutboxSink } from './outbox.ts';
import { createTencentSms } from './tencent-sms.ts';
import { createTencentVms } from './tencent-vms.ts';
import { createAliyunSms } from './aliyun-sms.ts';
import { createWecomRobot } from './wecom-robot.ts';
import { createWechatOa } from './wechat-oa.ts';

/** The templates the renderer produces (src/notify/templates). */
export const TEMPLATE_NAMES = ['alert', 'check-in', 'reminder', 'all-clear'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

const secret = z.string().min(1).transform((s) => new Secret(s));
const baseUrl = z.string().url();

/**
 * A template registered with the provider: its id and, for providers with positional variables
 * (Tencent {1}{2}…), the OutgoingMessage.params names in order. `enId`: the English template, if registered.
 */
export const TemplateRefSchema = z.strictObject({
  id: z.string().min(1),
  params: z.array(z.string().min(1)).default([]),
  enId: z.string().min(1).optional(),
});
export type TemplateRef = z.output<typeof TemplateRefSchema>;
const templates = z.strictObject({ alert: TemplateRefSchema.optional(), 'check-in': TemplateRefSchema.optional(), reminder: TemplateRefSchema.optional(), 'all-clear': TemplateRefSchema.optional() }).prefault({});
export type TemplateMap = z.output<typeof templates>;

/** WeChat keyword data: { thing1: 'place', time2: 'since' } maps template keywords to params names. */
const wechatTemplate = z.strictObject({ id: z.string().min(1), fields: z.record(z.string().min(1), z.string().min(1)), enId: z.string().min(1).optional() });
export type WechatTemplateRef = z.output<typeof wechatTemplate>;

export const ChannelsConfigSchema = z.strictObject({
  /** Per attempt; the pipeline may abort sooner through its AbortSignal. */
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** Which provider sends 'sms': auto = tencent if configured, else aliyun, else outbox. */
  smsProvider: z.enum(['auto', 'tencent', 'aliyun', 'outbox']).default('auto'),
  tencent: z
    .strictObject({
      secretId: secret,
      secretKey: secret,
      region: z.string().min(1).default('ap-guangzhou'),
      sms: z.strictObject({ sdkAppId: z.string().regex(/^\d+$/), signName: z.string().min(1), templates, baseUrl: baseUrl.default('https://sms.tencentcloudapi.com') }).optional(),
      vms: z.strictObject({ sdkAppId: z.string().regex(/^\d+$/), templates, playTimes: z.number().int().min(1).max(3).default(2), baseUrl: baseUrl.default('https://vms.tencentcloudapi.com') }).optional(),
    })
    .optional(),
  aliyun: z
    .strictObject({
      accessKeyId: secret,
      accessKeySecret: secret,
      signName: z.string().min(1),
      templates,
      baseUrl: baseUrl.default('https://dysmsapi.aliyuncs.com'),
    })
    .optional(),
  /** WeCom group robots: each recipient carries its robot key (Recipient.wecomKey); this only enables the channel. */
  wecom: z.strictObject({ baseUrl: baseUrl.default('https://qyapi.weixin.qq.com') }).optional(),
  wechat: z
    .strictObject({
      appId: z.string().min(1),
      appSecret: secret,
      templates: z.strictObject({ alert: wechatTemplate.optional(), 'check-in': wechatTemplate.optional(), reminder: wechatTemplate.optional(), 'all-clear': wechatTemplate.optional() }).prefault({}),
      /** Refresh the access token this long before expires_in runs out. */
      refreshMarginSeconds: z.number().int().min(0).max(3600).default(300),
      baseUrl: baseUrl.default('https://api.weixin.qq.com'),
    })
    .optional(),
});
export type ChannelsConfig = z.output<typeof ChannelsConfigSchema>;
export type ChannelsConfigInput = z.input<typeof ChannelsConfigSchema>;

export interface ChannelDeps {
  /** Receives every message no provider is configured for (the other helper stores it and logs it masked). */
  outboxSink: OutboxSink;
  /** Epoch ms: signing timestamps and token expiry (injected so tests never wait on wall time). */
  now?: () => number;
  /** Per-request nonce for Alibaba's x-acs-signature-nonce; random by default. */
  nonce?: () => string;
}

/** One Notifier per kind. 'outbox' is always present; every unconfigured kind is an outbox of that kind. */
export function createChannels(config: ChannelsConfig, deps: ChannelDeps): Map<ChannelKind, Notifier> {
  const now = deps.now ?? Date.now;
  const common = { timeoutMs: config.timeoutMs, now };
  const map = new Map<ChannelKind, Notifier>();
  map.set('outbox', createOutboxChannel(deps.outboxSink, 'outbox'));

  const t = config.tencent;
  const tencentSms = t?.sms ? createTencentSms({ ...common, secretId: t.secretId, secretKey: t.secretKey, region: t.region, ...t.sms }) : undefined;
  const aliyunSms = config.aliyun ? createAliyunSms({ ...common, ...config.aliyun, ...(deps.nonce ? { nonce: deps.nonce } : {}) }) : undefined;
  const sms =
    config.smsProvider === 'tencent' ? tencentSms : config.smsProvider === 'aliyun' ? aliyunSms : config.smsProvider === 'outbox' ? undefined : (tencentSms ?? aliyunSms);
  if ((config.smsProvider === 'tencent' || config.smsProvider === 'aliyun') && !sms) {
    throw new Error(`channels.smsProvider is '${config.smsProvider}' but channels.${config.smsProvider}${config.smsProvider === 'tencent' ? '.sms' : ''} is not configured`);
  }
  map.set('sms', sms ?? createOutboxChannel(deps.outboxSink, 'sms'));
  map.set('voice', t?.vms ? createTencentVms({ ...common, secretId: t.secretId, secretKey: t.secretKey, region: t.region, ...t.vms }) : createOutboxChannel(deps.outboxSink, 'voice'));
  map.set('wecom', config.wecom ? createWecomRobot({ ...common, baseUrl: config.wecom.baseUrl }) : createOutboxChannel(deps.outboxSink, 'wecom'));
  map.set('wechat', config.wechat ? createWechatOa({ ...common, ...config.wechat }) : createOutboxChannel(deps.outboxSink, 'wechat'));
  return map;
}
