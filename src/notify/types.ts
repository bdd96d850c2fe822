// The one seam between the delivery pipeline (outbox, retries, fallback) and a provider.
// A channel sends once and says whether a failure is worth retrying; it never retries itself
// (design.md principle 6: retry is one durable stage of the pipeline).

/** How a message reaches a person. 'outbox' = stored and logged only (no provider configured). */
export const CHANNEL_KINDS = ['sms', 'voice', 'wechat', 'wecom', 'outbox'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export type Language = 'zh-CN' | 'en';

export interface Recipient {
  /** Contact id (or a pseudo id such as 'wecom:grid-3' for a group). */
  id: string;
  name?: string;
  /** E.164 without '+', or a mainland number (13800138000); channels normalise as their provider needs. */
  phone?: string;
  wechatOpenId?: string;
  /** WeCom group robot webhook key, for 'wecom'. */
  wecomKey?: string;
}

export interface OutgoingMessage {
  /** Stable per (alert, rung, recipient, channel): passed to providers that accept one, so a resend after a crash is not a second message. */
  idempotencyKey: string;
  channel: ChannelKind;
  to: Recipient;
  lang: Language;
  /** Template name (src/notify/templates): providers with registered templates map it to their template id. */
  template: string;
  /** Template variables, already within the provider's length limits. */
  params: Record<string, string>;
  /** The full rendered text (for WeCom markdown, the outbox, logs with masking). */
  text: string;
}

export type SendResult =
  | { ok: true; providerMessageId?: string }
  | {
      ok: false;
      /** true: try again later (timeout, 5xx, rate limit); false: this channel will not work for this message (bad number, bad template, auth). */
      retryable: boolean;
      /** The provider's own code ("LimitExceeded.PhoneNumberDailyLimit", "isv.BUSINESS_LIMIT_CONTROL", "40001"), or 'timeout' / 'http-503' / 'network'. */
      code: string;
      message: string;
      /** A provider's hint (Retry-After, a frequency limit window). */
      retryAfterMs?: number;
    };

/** What a provider's own records say of an earlier attempt whose outcome was unknown. */
export type DeliveryCheck =
  /** Accepted or delivered: it must not go again. */
  | { status: 'sent'; providerMessageId?: string }
  /** The records clearly hold no such message (or one the carrier failed to deliver): send it. */
  | { status: 'not-sent' }
  /** The query failed or its answer is ambiguous: the person may have been told. */
  | { status: 'unknown'; code: string; message: string };

export interface Notifier {
  readonly kind: ChannelKind;
  /** A short name for logs and metrics: 'tencent-sms', 'aliyun-sms', 'tencent-vms', 'wecom-robot', 'wechat-oa', 'outbox'. */
  readonly provider: string;
  /** One attempt. Must honour `signal` (the pipeline aborts a hung provider) and never throw for a provider's answer. */
  send(msg: OutgoingMessage, signal: AbortSignal): Promise<SendResult>;
  /**
   * For providers that do not de-duplicate (Tencent and Alibaba SendSms): asks whether the message
   * with this idempotency key went out since `sinceMs`, before an attempt in doubt is repeated.
   * Never throws for a provider's answer.
   */
  check?(msg: OutgoingMessage, sinceMs: number, signal: AbortSignal): Promise<DeliveryCheck>;
  /** The earliest moment after an attempt in doubt at which `check` can tell (receipts take time). */
  readonly checkAfterMs?: number;
}
