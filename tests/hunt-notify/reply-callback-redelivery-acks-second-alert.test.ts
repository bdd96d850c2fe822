// README, Notifications, "Acknowledging without an app": an SMS reply "1" is matched to the open
// alert whose message reached the sender last. Providers re-push a reply callback they think was
// not received (Tencent and Alibaba SmsUp both retry a push); src/notify/channels/replies.ts
// gives each reply a `providerRef` "for de-duplicating a re-pushed callback" — but nothing uses
// it. The second copy of the same "1" then acknowledges a DIFFERENT open alert, one the grid
// worker never answered: its ladder stops ("escalation until someone answers") although nobody
// has it in hand.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { AppRun, MIN, T0 } from '../notify/app-harness.ts';

const TOKEN = 'reply-token-0123456789';
const reply = (mobile: string, text: string, atSec: number) => ({ extend: '', mobile, nationcode: '86', sign: '安心', text, time: atSec });

describe('the same SMS reply pushed twice by the provider', () => {
  it('acknowledges one alert, not a second one the sender never answered', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } }).seed();
    const s = r.app.store;
    s.households.create({ id: 'hh-2', name: '李建国', address: '莲花路 14 号', gridId: 'futian-01' }, r.clock.now);
    s.households.giveConsent('hh-2', { consentedBy: '李建国', consentedAt: r.clock.now, scope: ['water-monitoring'] });
    s.meters.provision('m-2', 'hh-2', r.clock.now);
    s.contacts.add('hh-2', { name: '陈网格', role: 'grid-worker', phone: '13800000002' });

    // 10:00 李建国's meter reports a data fault: the grid worker is told at once.
    const fault: Alert = { id: 'al-fault-2', meterId: 'm-2', type: 'data-fault', status: 'open', openedAt: r.clock.now, observedAt: r.clock.now, reason: { zh: '读数异常', en: 'bad readings', facts: {} } };
    r.change({ kind: 'opened', alert: fault });
    await r.advance(T0 + 5 * MIN);
    // 10:05 王秀英's water will not stop: the grid worker is told (after the elder's rung).
    const surge = r.raise('surge');
    await r.advance(T0 + 25 * MIN);
    expect(r.rec.lines()).toContain('rung-1→13800000002 sms');

    // 10:25 he replies "1" to the surge text he just read; the provider pushes the reply twice.
    const body = reply('13800000002', '1', Math.floor(r.clock.now / 1000));
    const first = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: body });
    expect(first.statusCode).toBe(200);
    expect(s.alerts.get(surge.id)?.status).toBe('acknowledged');
    r.clock.now += 30_000;
    const again = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: body });
    expect(again.statusCode).toBe(200);
    // The data fault was never answered: it must still be open (its ladder goes on).
    expect(s.alerts.get('al-fault-2')?.status).toBe('open');
    await r.app.stop();
  });
});
