// The `notify` slice of the configuration: escalation policy, quiet hours' time zone, the
// acknowledgement links, the delivery pipeline's bounds and the provider channels.
import { z } from 'zod';
import { Secret } from '../config.ts';
import { PolicySchema } from '../alerting/policy.ts';
import { isTimeZone } from './tz.ts';
import { ChannelsConfigSchema } from './channels/config.ts';

export const NotifyConfigSchema = z.strictObject({
  /** false: alerts are stored and shown, nobody is told (a bench, a replay). */
  enabled: z.boolean().default(true),
  policy: PolicySchema.prefault({}),
  /** IANA zone of quiet hours and of the clock times in messages. */
  timeZone: z
    .string()
    .refine(isTimeZone, { message: 'expected an IANA time zone such as "Asia/Shanghai"' })
    .default('Asia/Shanghai'),
  /** Where the acknowledgement links point: the address people's phones can reach. */
  publicBaseUrl: z
    .string()
    .url()
    .transform((s) => s.replace(/\/+$/, ''))
    .default('http://localhost:8080'),
  /** HMAC key for the links; unset = generated at first start and kept in the database. */
  linkSecret: z.string().min(16).transform((s) => new Secret(s)).optional(),
  linkTtlHours: z.number().min(1).max(24 * 30).default(72),
  /**
   * Secret path segment of the SMS-reply callback URLs (/callbacks/sms/tencent/<token>): neither
   * provider signs its callback (src/notify/channels/replies.ts). Unset = the callbacks are not mounted.
   */
  smsReplyToken: z.string().min(16).transform((s) => new Secret(s)).optional(),
  /**
   * A grid's WeCom group chat (群机器人), told with the grid workers of every household in that
   * grid: { "futian-01": { "key": "<the key= of the robot webhook>" } }.
   */
  wecomGroups: z
    .record(
      z.string().min(1),
      z.strictObject({
        key: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'expected the key= part of a WeCom robot webhook URL').transform((s) => new Secret(s)),
        rung: z.number().int().min(0).max(9).default(1),
        lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
      }),
    )
    .default({}),
  /** What an SMS reply must say to count ("1" = 平安 / 已知晓). */
  replyKeywords: z.array(z.string().min(1)).default(['1', '平安', '已知晓', '收到']),
  /** How often the planner and sender run (also woken at once by every alert change). */
  tickSeconds: z.number().int().min(1).max(300).default(5),
  /** Sends in flight at once; a hung provider holds at most this many slots, each for at most sendTimeoutMs. */
  concurrency: z.number().int().min(1).max(64).default(4),
  sendTimeoutMs: z.number().int().min(100).max(120_000).default(15_000),
  retry: z
    .strictObject({
      /** Attempts per channel before falling back to the contact's next channel. */
      maxAttempts: z.number().int().min(1).max(20).default(4),
      baseSeconds: z.number().min(1).max(3600).default(30),
      maxSeconds: z.number().min(1).max(24 * 3600).default(900),
    })
    .prefault({}),
  /** Providers (Tencent SMS/VMS, Alibaba SMS, WeCom robot, WeChat OA); none configured = the outbox channel. */
  // Lazy: channels/config.ts imports Secret from src/config.ts, which imports this file; whichever
  // module is loaded first, the schema is only looked up when a config is parsed.
  channels: z.lazy(() => ChannelsConfigSchema).prefault({}),
});
export type NotifyConfig = z.output<typeof NotifyConfigSchema>;
