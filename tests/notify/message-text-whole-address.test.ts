// README, Notifications, "Messages": they "say what happened, where, since when", e.g.
// "王秀英（莲花路 12 号）长时间未用水…". The 12-character cut is for provider TEMPLATE PARAMS
// ("Params for providers with registered templates: name, place … (≤ 12 characters each)"); the
// full text (a WeCom group's markdown, the outbox, anything sending OutgoingMessage.text) only
// has to fit the 480-character total, and names the whole address: cut to 12 characters, a real
// address loses exactly the part that finds the door (building and flat), and a grid worker of
// one estate reads "福田区莲花路 12 号 …" for every flat of the block. Over the total, the
// detector's explanation is shortened, not the address nor the link.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { smsChars, TENCENT_SMS_LIMITS } from '../../src/notify/channels/limits.ts';
import { MAX_TEXT, maskText, render } from '../../src/notify/templates.ts';
import { AppRun, MIN, T0 } from './app-harness.ts';

describe('the text of an alert message', () => {
  it('names the whole address, not its first 11 characters', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } });
    const s = r.app.store;
    const address = '福田区莲花路 12 号 3 栋 501 室';
    s.households.create({ id: 'hh-1', name: '王秀英', address, gridId: 'futian-01' }, r.clock.now);
    s.households.giveConsent('hh-1', { consentedBy: '王秀英', consentedAt: r.clock.now, scope: ['water-monitoring'] });
    s.meters.provision('m-1', 'hh-1', r.clock.now);
    s.contacts.add('hh-1', { name: '陈网格', role: 'grid-worker', wecomKey: 'group-key-0001', channels: ['wecom'] });
    r.raise('data-fault');
    await r.advance(T0 + 2 * MIN);
    expect(r.rec.sent).toHaveLength(1);
    expect(r.rec.sent[0]!.text).toContain(address);
    await r.app.stop();
  });
});

describe('render: whole name and address in the text, clipped params', () => {
  const T = Date.parse('2026-03-03T09:40:00+08:00');
  const alert: Alert = { id: 'al-1', meterId: 'm-1', type: 'no-usage', status: 'open', openedAt: T, observedAt: T, reason: { zh: '平时 07:10 前会用水', en: 'usually by 07:10', facts: {} } };
  const place = '福田区莲花街道莲花路 12 号 3 栋 501 室';
  const name = '欧阳娜娜娜娜娜娜娜娜娜娜娜';
  const base = { lang: 'zh-CN' as const, alert, householdName: name, place, now: T, offsetMin: 480, link: 'https://anxin.example.cn/a/1kAbCdEfGh', token: '1kAbCdEfGh' };

  it('every text names them whole; the params stay within the 12-character limit', () => {
    for (const purpose of ['alert', 'reminder', 'voice'] as const) {
      const r = render({ ...base, purpose, reminder: 2 });
      expect(r.text, purpose).toContain(`${name}（${place}）`);
      expect(smsChars(r.params.name!)).toBeLessThanOrEqual(TENCENT_SMS_LIMITS.perVariableCharsIndividual);
      expect(smsChars(r.params.place!)).toBeLessThanOrEqual(TENCENT_SMS_LIMITS.perVariableCharsIndividual);
    }
    const clear = render({ ...base, purpose: 'all-clear', alert: { ...alert, status: 'resolved', resolvedAt: T } });
    expect(clear.text).toMatch(new RegExp(`^${name}：`));
    const en = render({ ...base, lang: 'en', purpose: 'alert' });
    expect(en.text).toContain(`${name} (${place})`);
  });

  it('over the total limit the explanation is shortened, never the address or the link', () => {
    const r = render({ ...base, purpose: 'alert', alert: { ...alert, reason: { ...alert.reason, zh: '很长'.repeat(300) } } });
    expect(smsChars(r.text)).toBe(MAX_TEXT.text);
    expect(r.text).toContain(place);
    expect(r.text.endsWith('确认请点 https://anxin.example.cn/a/1kAbCdEfGh 或回复 1')).toBe(true);
  });

  it('logs see the whole name and address masked, though the params hold them clipped', () => {
    const r = render({ ...base, purpose: 'alert' });
    const masked = maskText(r.text, r.params);
    expect(masked).not.toContain('3 栋 501');
    expect(masked).not.toContain('莲花路');
    expect(masked).not.toContain('欧阳娜');
    expect(masked).toMatch(/^欧\*+（福\*+）长时间未用水/);
  });
});
