// Shared builders for the channel contract tests.
import type { OutgoingMessage } from '../../../src/notify/types.ts';

/** 2026-12-01 10:00 Beijing time (02:00 UTC). */
export const T0 = Date.UTC(2026, 11, 1, 2, 0, 0);

export function message(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    idempotencyKey: 'alert-17:rung-1:contact-3:sms',
    channel: 'sms',
    to: { id: 'contact-3', name: '王芳', phone: '13800138000', wechatOpenId: 'oOPENID-wang', wecomKey: 'robot-key-1' },
    lang: 'zh-CN',
    template: 'alert',
    params: { place: '幸福小区3-201', since: '07:10', action: '请上门查看' },
    text: '【安心】幸福小区3-201 今天07:10后未检测到用水，请上门查看。',
    ...over,
  };
}

export const live = () => new AbortController().signal;
