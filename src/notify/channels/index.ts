// Public surface of the channel adapters (what the delivery pipeline and the app wire in).
export { ChannelsConfigSchema, createChannels, TEMPLATE_NAMES } from './config.ts';
export type { ChannelsConfig, ChannelsConfigInput, ChannelDeps, TemplateName } from './config.ts';
export { createOutboxChannel } from './outbox.ts';
export type { OutboxSink } from './outbox.ts';
export { parseTencentReply, parseAliyunSmsUp, isAckReply, TENCENT_REPLY_ACK, ALIYUN_SMSUP_ACK } from './replies.ts';
export type { CallbackRequest, InboundReply, CallbackRejection } from './replies.ts';
export * from './limits.ts';
