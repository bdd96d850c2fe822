// Messages: what happened, where, since when, what to do, with the detector's explanation;
// params within the strictest provider variable limit, text within the total limits; masked in logs.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { TENCENT_SMS_LIMITS, ALIYUN_SMS_LIMITS, TENCENT_VMS_LIMITS, smsChars } from '../../src/notify/channels/limits.ts';
import { maskText, maskedParams, render } from '../../src/notify/templates.ts';

const T = Date.parse('2026-03-03T09:40:00+08:00');
const alert: Alert = {
  id: 'al-1',
  meterId: 'm-1',
  type: 'no-usage',
  status: 'open',
  openedAt: T,
  observedAt: Date.parse('2026-03-03T07:10:00+08:00'),
  reason: { zh: '平时 07:10 前会用水，今天到 09:40 仍未用水（已学习 28 天的作息）', en: 'usually first uses water by 07:10; none by 09:40', facts: {} },
};
const base = { lang: 'zh-CN' as const, alert, householdName: '欧阳娜娜娜娜娜娜娜娜娜娜娜', place: '福田区莲花街道莲花路 12 号 3 单元 501', now: T, offsetMin: 480, link: 'https://anxin.example.cn/a/1kAbCdEfGh', token: '1kAbCdEfGh' };

describe('templates', () => {
  it('the alert says what, where, since when, why and what to do, with the link', () => {
    const r = render({ ...base, purpose: 'alert', householdName: '王秀英', place: '莲花路 12 号' });
    expect(r.template).toBe('alert');
    expect(r.text).toBe(
      '王秀英（莲花路 12 号）长时间未用水，自07:10起。平时 07:10 前会用水，今天到 09:40 仍未用水（已学习 28 天的作息） 请尽快致电或上门确认老人是否安好。确认请点 https://anxin.example.cn/a/1kAbCdEfGh 或回复 1',
    );
  });

  it('every param fits the strictest variable limits; no param carries a link except link itself; the text fits 500 with the signature', () => {
    for (const purpose of ['alert', 'check-in', 'reminder', 'all-clear', 'voice'] as const) {
      const r = render({ ...base, purpose, alert: { ...alert, resolvedAt: T + 3600_000, reason: { ...alert.reason, zh: '很长'.repeat(300) } }, reminder: 2 });
      for (const [k, v] of Object.entries(r.params)) {
        if (k === 'link' || k === 'token') continue;
        const limit = k === 'reason' || k === 'action' ? ALIYUN_SMS_LIMITS.perVariableChars : TENCENT_SMS_LIMITS.perVariableCharsIndividual;
        expect(smsChars(v), `${purpose}.${k}`).toBeLessThanOrEqual(limit);
        expect(v, `${purpose}.${k}`).not.toMatch(/https?:/);
      }
      expect(smsChars(r.text) + '【安心】'.length).toBeLessThanOrEqual(TENCENT_SMS_LIMITS.totalChars);
      if (purpose === 'voice') {
        expect(smsChars(r.text)).toBeLessThanOrEqual(TENCENT_VMS_LIMITS.contentChars);
        expect(r.text).not.toContain('https://');
      }
    }
  });

  it('check-in, reminder and all-clear read as the issue asks', () => {
    expect(render({ ...base, purpose: 'check-in' }).text).toMatch(/^您好，今天还没有检测到用水，如一切平安请回复 1。/);
    expect(render({ ...base, purpose: 'reminder', reminder: 3 }).text).toMatch(/^提醒（第3次）/);
    const clear = render({ ...base, householdName: '王秀英', purpose: 'all-clear', alert: { ...alert, status: 'resolved', resolvedAt: Date.parse('2026-03-03T07:40:00+08:00') } });
    expect(clear.text).toBe('王秀英：07:40 已恢复用水，提醒已解除。');
    expect(clear.params.time).toBe('07:40');
  });

  it('logs see names and places masked and no link token', () => {
    const r = render({ ...base, purpose: 'alert', householdName: '王秀英', place: '莲花路 12 号' });
    expect(maskedParams(r.params)).toMatchObject({ name: '王**', place: '莲****' });
    expect(maskedParams(r.params).token).toBeUndefined();
    const masked = maskText(r.text, r.params);
    expect(masked).not.toContain('王秀英');
    expect(masked).not.toContain('莲花路 12 号');
    expect(masked).toContain('/a/<token>');
  });
});

describe('since when', () => {
  it("uses the detector's last-use clock time when it gives one", () => {
    const r = render({ ...base, purpose: 'alert', alert: { ...alert, reason: { ...alert.reason, facts: { lastUse: '21:22' } } } });
    expect(r.params.since).toBe('21:22');
    expect(r.text).toContain('自21:22起');
  });
});
