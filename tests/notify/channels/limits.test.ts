// The documented limits the renderer relies on, and the counting helpers.
import { describe, expect, it } from 'vitest';
import { ALIYUN_SMS_LIMITS, TENCENT_SMS_LIMITS, WECOM_ROBOT_LIMITS, smsChars, smsSegments, utf8Bytes } from '../../../src/notify/channels/limits.ts';
import { toAliyunNumber, toE164 } from '../../../src/notify/channels/phone.ts';

describe('limits', () => {
  it('SMS characters count Chinese, letters, digits and punctuation as one each; 70 / 67 segmentation', () => {
    expect(smsChars('【安心】07:10后未用水')).toBe(13);
    expect(smsSegments('水'.repeat(70))).toBe(1);
    expect(smsSegments('水'.repeat(71))).toBe(2);
    expect(smsSegments('水'.repeat(160))).toBe(3); // the Alibaba doc's own example: 67 + 67 + 26
    expect(TENCENT_SMS_LIMITS.totalChars).toBe(500);
    expect(ALIYUN_SMS_LIMITS.perVariableChars).toBe(35);
  });

  it('WeCom counts UTF-8 bytes: a Chinese character is 3', () => {
    expect(utf8Bytes('水')).toBe(3);
    expect(Math.floor(WECOM_ROBOT_LIMITS.markdownMaxBytes / 3)).toBe(1365);
  });

  it('phone forms: E.164 for Tencent, bare mainland / country-code-first for Alibaba', () => {
    expect(toE164('13800138000')).toBe('+8613800138000');
    expect(toE164('+86 138-0013-8000')).toBe('+8613800138000');
    expect(toE164('8613800138000')).toBe('+8613800138000');
    expect(toE164('85261234567')).toBe('+85261234567');
    expect(toE164('abc')).toBeNull();
    expect(toAliyunNumber('8613800138000')).toBe('13800138000');
    expect(toAliyunNumber('0085261234567')).toBe('85261234567');
  });
});
