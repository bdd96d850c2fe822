// An SMS reply carries no reference to the message it answers: only the sender's number. A grid
// worker covers many households, so a "1" is matched to the alert whose message reached them
// last — the text they are answering — not to the alert opened last.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { AppRun, MIN, T0 } from './app-harness.ts';

const TOKEN = 'reply-token-0123456789';
const tencentReply = (mobile: string, text: string, at: number) => ({ extend: '', mobile, nationcode: '86', sign: '安心', text, time: Math.floor(at / 1000) });

describe('an SMS "1" from a grid worker of two households with alerts out', () => {
  it('acknowledges the alert of the message they got last', async () => {
    const r = new AppRun().seed();
    const s = r.app.store;
    s.households.create({ id: 'hh-2', name: '李建国', address: '莲花路 14 号', gridId: 'futian-01' }, r.clock.now);
    s.households.giveConsent('hh-2', { consentedBy: '李建国', consentedAt: r.clock.now, scope: ['water-monitoring'] });
    s.meters.provision('m-2', 'hh-2', r.clock.now);
    s.contacts.add('hh-2', { name: '陈网格', role: 'grid-worker', phone: '13800000002' });
    // 10:00 王秀英: no water — her check-in first; the grid worker is told when its window closes.
    const silence = r.raise('no-usage');
    await r.advance(T0 + 10 * MIN);
    // 10:10 李建国's meter battery is low: the grid worker is told at once.
    const battery: Alert = { ...silence, id: 'al-battery-2', meterId: 'm-2', type: 'battery-low', openedAt: r.clock.now, observedAt: r.clock.now };
    r.change({ kind: 'opened', alert: battery });
    await r.advance(T0 + 35 * MIN);
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms', 'rung-1→13800000002 sms', 'rung-1→13800000002 sms']);
    expect(r.rec.sent.map((m) => m.text.slice(0, 3))).toEqual(['您好，', '李建国', '王秀英']);
    // 10:35 he answers the text he just got, about 王秀英.
    const res = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: tencentReply('13800000002', '1', r.clock.now) });
    expect(res.statusCode).toBe(200);
    expect(s.alerts.get(silence.id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: expect.stringContaining('陈网格') });
    expect(s.alerts.get('al-battery-2')).toMatchObject({ status: 'open' }); // before: this one, the newest opened
    await r.app.stop();
  });
});
