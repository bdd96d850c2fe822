// README, Notifications, "Acknowledging without an app": an SMS reply "1" is matched to the open
// alert whose message reached the sender last. Providers re-push a reply callback they think was
// not received (Tencent and Alibaba SmsUp both retry a push). A copy of the same reply (same
// provider reference, src/notify/channels/replies.ts providerRef) is applied once: otherwise the
// second "1" acknowledges a DIFFERENT open alert, one the grid worker never answered, and its
// ladder stops although nobody has it in hand. The replies already applied are kept in SQLite
// (src/store/sms-replies.ts, a keyed hash, not the number), so a restart between the two pushes
// changes nothing, and they leave by retention (retention.smsReplyDays).
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { AppRun, MIN, T0 } from './app-harness.ts';

const TOKEN = 'reply-token-0123456789';
const DAY = 1440 * MIN;
const reply = (mobile: string, text: string, atSec: number) => ({ extend: '', mobile, nationcode: '86', sign: '安心', text, time: atSec });
const aliyun = (seq: number) => [{ phone_number: '8613800000002', send_time: '2026-03-03 10:25:00', content: '1', sign_name: '安心', dest_code: '1234', sequence_id: seq }];

/** Two open alerts the grid worker was told of: a data fault of 李建国's at 10:00, 王秀英's surge at 10:05. */
async function twoAlerts(r: AppRun): Promise<Alert> {
  const s = r.app.store;
  s.households.create({ id: 'hh-2', name: '李建国', address: '莲花路 14 号', gridId: 'futian-01' }, r.clock.now);
  s.households.giveConsent('hh-2', { consentedBy: '李建国', consentedAt: r.clock.now, scope: ['water-monitoring'] });
  s.meters.provision('m-2', 'hh-2', r.clock.now);
  s.contacts.add('hh-2', { name: '陈网格', role: 'grid-worker', phone: '13800000002' });
  const fault: Alert = { id: 'al-fault-2', meterId: 'm-2', type: 'data-fault', status: 'open', openedAt: r.clock.now, observedAt: r.clock.now, reason: { zh: '读数异常', en: 'bad readings', facts: {} } };
  r.change({ kind: 'opened', alert: fault });
  await r.advance(T0 + 5 * MIN);
  const surge = r.raise('surge');
  await r.advance(T0 + 25 * MIN);
  expect(r.rec.lines()).toContain('rung-1→13800000002 sms');
  return surge;
}

const post = (r: AppRun, provider: 'tencent' | 'aliyun', payload: unknown) => r.app.http.inject({ method: 'POST', url: `/callbacks/sms/${provider}/${TOKEN}`, payload: payload as object });

describe('the same SMS reply pushed twice by the provider', () => {
  it('acknowledges one alert, not a second one the sender never answered', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } }).seed();
    const surge = await twoAlerts(r);
    // 10:25 he replies "1" to the surge text he just read; the provider pushes the reply twice.
    const body = reply('13800000002', '1', Math.floor(r.clock.now / 1000));
    const first = await post(r, 'tencent', body);
    expect(first.statusCode).toBe(200);
    expect(r.app.store.alerts.get(surge.id)?.status).toBe('acknowledged');
    r.clock.now += 30_000;
    const again = await post(r, 'tencent', body);
    expect(again.statusCode).toBe(200); // answered as received, so the provider stops pushing
    expect(again.json()).toEqual(first.json());
    // The data fault was never answered: it must still be open (its ladder goes on).
    expect(r.app.store.alerts.get('al-fault-2')?.status).toBe('open');
    await r.app.stop();
  });

  it('is applied once across a restart, and a new reply still counts (Alibaba SmsUp, by sequence_id)', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } }).seed();
    const surge = await twoAlerts(r);
    expect((await post(r, 'aliyun', aliyun(77))).statusCode).toBe(200);
    expect(r.app.store.alerts.get(surge.id)?.status).toBe('acknowledged');
    await r.app.stop();

    const again = new AppRun(r.path, { clock: r.clock, config: { notify: { policy: { checkIn: { enabled: false } } } } });
    r.clock.now += 10 * MIN;
    expect((await post(again, 'aliyun', aliyun(77))).statusCode).toBe(200);
    expect(again.app.store.alerts.get('al-fault-2')?.status).toBe('open');
    // He answers the fault's text too: a reply of its own (another sequence_id) is applied.
    expect((await post(again, 'aliyun', aliyun(78))).statusCode).toBe(200);
    expect(again.app.store.alerts.get('al-fault-2')?.status).toBe('acknowledged');
    // Kept as a keyed hash, never the number; gone after retention.smsReplyDays (7).
    const rows = again.app.store.db.prepare('SELECT ref FROM sms_replies_seen').all() as { ref: string }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.ref).not.toMatch(/138|seq/);
    r.clock.now += 8 * DAY;
    expect((await again.app.runRetention()).smsReplies).toBe(2);
    expect(again.app.store.db.prepare('SELECT count(*) AS n FROM sms_replies_seen').get()).toEqual({ n: 0 });
    await again.app.stop();
  });
});
