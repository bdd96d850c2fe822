// Acknowledgement without an app, over the real app: the elder's reply "1" to her check-in
// (Tencent and Alibaba SMS-reply callbacks, with the callback's secret checked), a tap on the
// signed link, replies from others, check-in-stage alerts and the link's own rules.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { AppRun, MIN, T0 } from './app-harness.ts';

const TOKEN = 'reply-token-0123456789';
const tencentReply = (mobile: string, text: string, at = T0) => ({ extend: '', mobile, nationcode: '86', sign: '安心', text, time: Math.floor(at / 1000) });
const aliyunReply = (phone: string, content: string) => [{ phone_number: phone, send_time: '2026-03-03 10:20:00', content, sign_name: '安心', dest_code: '1234', sequence_id: 77 }];

describe('acknowledgements', () => {
  it('关怀确认: the elder replies "1" (Tencent callback) within the window → resolved elder-fine, nobody else disturbed', async () => {
    const r = new AppRun().seed();
    const a = r.raise();
    await r.advance(T0 + 10 * MIN);
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms']);
    const res = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: tencentReply('13900000001', '1') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ result: 0, errmsg: 'OK' });
    const done = r.app.store.alerts.get(a.id)!;
    expect(done).toMatchObject({ status: 'resolved', resolution: 'manual', outcome: 'elder-fine', resolvedBy: '王秀英 (elder)', resolvedAt: T0 + 10 * MIN });
    expect(r.app.store.alerts.history(a.id).find((e) => e.kind === 'outcome')).toMatchObject({ note: 'elder-fine' });
    await r.advance(T0 + 3 * 60 * MIN);
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms']); // no grid worker, no all-clear
    await r.app.stop();
  });

  it('the elder taps the link in her check-in instead: the same, via link', async () => {
    const r = new AppRun().seed();
    const a = r.raise();
    await r.advance(T0 + 5 * MIN);
    const link = /\/a\/\S+?(?=\s|。|$)/.exec(r.rec.sent[0]!.text)![0];
    const page = await r.app.http.inject({ url: link });
    expect(page.body).toContain('我一切平安');
    expect((await r.app.http.inject({ method: 'POST', url: link })).body).toContain('已记录您一切平安');
    expect(r.app.store.alerts.get(a.id)).toMatchObject({ status: 'resolved', outcome: 'elder-fine' });
    await r.app.stop();
  });

  it('a grid worker replying "1" (Alibaba SmsUp push) acknowledges: who, via sms-reply, when; the ladder stops', async () => {
    const r = new AppRun().seed();
    const a = r.raise();
    await r.advance(T0 + 31 * MIN); // check-in unanswered → grid worker
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms', 'rung-1→13800000002 sms']);
    const res = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/aliyun/${TOKEN}`, payload: aliyunReply('8613800000002', '１。') });
    expect(res.json()).toEqual({ code: 0, msg: '接收成功' });
    expect(r.app.store.alerts.get(a.id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: '陈网格 (grid-worker)', acknowledgedAt: T0 + 31 * MIN });
    expect(r.app.store.alerts.history(a.id).find((e) => e.kind === 'acknowledged')?.note).toBe('via sms-reply');
    await r.advance(T0 + 3 * 60 * MIN);
    expect(r.rec.sent).toHaveLength(2);
    await r.app.stop();
  });

  it('after the window the elder\'s "1" acknowledges (others were already told) instead of closing the alert', async () => {
    const r = new AppRun().seed();
    const a = r.raise();
    await r.advance(T0 + 35 * MIN);
    await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: tencentReply('13900000001', '平安') });
    expect(r.app.store.alerts.get(a.id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: '王秀英 (elder)' });
    await r.app.stop();
  });

  it('callbacks: a wrong path secret is 401 and changes nothing; other words and unknown numbers are accepted and ignored', async () => {
    const r = new AppRun().seed();
    const a = r.raise();
    await r.advance(T0 + 5 * MIN);
    const wrong = await r.app.http.inject({ method: 'POST', url: '/callbacks/sms/tencent/not-the-token', payload: tencentReply('13900000001', '1') });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('unauthorized');
    const word = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: tencentReply('13900000001', '我不舒服') });
    expect(word.statusCode).toBe(200);
    const stranger = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: tencentReply('13600000000', '1') });
    expect(stranger.statusCode).toBe(200);
    const bad = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: { mobile: 5 } });
    expect(bad.statusCode).toBe(400);
    expect(r.app.store.alerts.get(a.id)!.status).toBe('open');
    await r.app.stop();
  });

  it('a check-in-stage alert asks only the elder; the detector confirming it (escalated) tells the grid worker at once', async () => {
    const r = new AppRun().seed();
    const a = r.raise('no-usage', { stage: 'check-in' });
    await r.advance(T0 + 10 * MIN);
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms']);
    r.change({ kind: 'escalated', alert: { ...a, stage: 'confirmed', reason: { ...a.reason, zh: '已确认：仍未用水' } }, at: r.clock.now });
    await r.advance(T0 + 11 * MIN);
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms', 'rung-1→13800000002 sms']);
    expect(r.rec.sent[1]!.text).toContain('已确认：仍未用水');
    await r.app.stop();
  });

  it('a check-in-stage alert whose window runs out unanswered escalates at once, confirmed or not', async () => {
    const r = new AppRun().seed();
    r.raise('no-usage', { stage: 'check-in' });
    await r.advance(T0 + 30 * MIN);
    expect(r.rec.lines()).toEqual(['check-in→13900000001 sms', 'rung-1→13800000002 sms']);
    expect(r.rec.sent[1]!.at).toBe(T0 + 30 * MIN);
    await r.app.stop();
  });

  it('links: a forged or altered token is 404, an expired one 410; a GET never acknowledges', async () => {
    const r = new AppRun(undefined, { config: { notify: { linkTtlHours: 1, policy: { checkIn: { enabled: false } } } } }).seed();
    const a = r.raise();
    await r.advance(T0 + MIN);
    const link = /\/a\/\S+?(?=\s)/.exec(r.rec.sent[0]!.text)![0];
    const tampered = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA');
    expect((await r.app.http.inject({ url: tampered })).statusCode).toBe(404);
    expect((await r.app.http.inject({ method: 'POST', url: '/a/garbage' })).statusCode).toBe(404);
    for (let i = 0; i < 3; i++) expect((await r.app.http.inject({ url: link })).statusCode).toBe(200);
    expect(r.app.store.alerts.get(a.id)!.status).toBe('open');
    r.clock.now = T0 + 61 * MIN;
    const expired = await r.app.http.inject({ method: 'POST', url: link });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('已过期');
    expect(r.app.store.alerts.get(a.id)!.status).toBe('open');
    await r.app.stop();
  });

  it('PIPL: each view and answer of a link is in the access log — the message, not the token', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } }).seed();
    const a = r.raise();
    await r.advance(T0 + MIN);
    const link = /\/a\/\S+?(?=\s)/.exec(r.rec.sent[0]!.text)![0];
    expect((await r.app.http.inject({ url: link })).statusCode).toBe(200);
    expect((await r.app.http.inject({ method: 'POST', url: link })).statusCode).toBe(200);
    const [row] = r.rows(a.id);
    const entries = r.app.store.accessLog.list({ limit: 10, offset: 0 }).items.filter((e) => e.route === '/a/:token');
    expect(entries.map((e) => [e.action, e.method, e.householdId, e.status, e.actor])).toEqual([
      ['ack-link-answer', 'POST', 'hh-1', 200, `ack-link:${row!.id}:${row!.contactId}`],
      ['ack-link-view', 'GET', 'hh-1', 200, `ack-link:${row!.id}:${row!.contactId}`],
    ]);
    expect(JSON.stringify(entries)).not.toContain(link.slice(3));
    await r.app.stop();
  });

  it('the link secret is generated at first start, stored, and the same after a restart', async () => {
    const first = new AppRun().seed();
    const a = first.raise();
    await first.advance(T0 + MIN);
    const link = /\/a\/\S+?(?=\s|。)/.exec(first.rec.sent[0]!.text)![0];
    await first.app.stop();
    const second = new AppRun(first.path, { clock: first.clock });
    expect((await second.app.http.inject({ url: link })).statusCode).toBe(200);
    expect(second.app.store.alerts.get(a.id)!.status).toBe('open');
    await second.app.stop();
  });

  it('a contact whose language is English gets English', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } }).seed([{ name: 'Tom Li', role: 'grid-worker', phone: '13800000009', lang: 'en' }]);
    r.raise('surge', { reason: { zh: '持续用水 40 分钟', en: 'water running for 40 min', facts: {} } });
    await r.advance(T0 + MIN);
    expect(r.rec.sent[0]!.lang).toBe('en');
    expect(r.rec.sent[0]!.text).toMatch(/^王秀英 \(莲花路 12 号\): abnormal water flow since \d\d:\d\d\. water running for 40 min a burst pipe/);
    await r.app.stop();
  });
});

describe('secrets in URLs', () => {
  it('the reply token and link tokens never reach the log', async () => {
    const r = new AppRun().seed();
    r.raise();
    await r.advance(T0 + MIN);
    const link = /\/a\/\S+?(?=\s|。|$)/.exec(r.rec.sent[0]!.text)![0];
    await r.app.http.inject({ url: link });
    await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: tencentReply('13900000001', '1') });
    await r.app.http.inject({ url: '/health' });
    const logs = JSON.stringify(r.logs);
    expect(logs).toContain('/health'); // request logging is on…
    expect(logs).not.toContain(TOKEN); // …but not for these routes
    expect(logs).not.toContain(link);
    await r.app.stop();
  });
});

describe('a grid WeCom group (notify.wecomGroups)', () => {
  it('is told with the grid worker, and a tap on its link acknowledges for the group', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } }, wecomGroups: { 'futian-01': { key: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' } } } } }).seed();
    const a = r.raise();
    await r.advance(T0 + MIN);
    expect(r.rec.lines()).toEqual(['rung-1→13800000002 sms', 'rung-1→wecom:futian-01 wecom']);
    const toGroup = r.rec.sent[1]!;
    expect(toGroup.to).toMatchObject({ id: 'wecom:futian-01', wecomKey: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' });
    const link = /\/a\/\S+?(?=\s|$)/.exec(toGroup.text)![0];
    expect((await r.app.http.inject({ method: 'POST', url: link })).statusCode).toBe(200);
    expect(r.app.store.alerts.get(a.id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: '网格群 futian-01 (grid-worker)' });
    expect(JSON.stringify(parseConfigForPrint())).not.toContain('693a91f6');
    await r.app.stop();
  });
});

function parseConfigForPrint() {
  return parseConfig({ notify: { wecomGroups: { g: { key: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' } } } }).notify.wecomGroups;
}
