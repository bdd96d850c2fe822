// Regression (a bug hunt found it; fixed): a family member's SMS "1" answering the message they just read (about their mother's
// alert, acknowledged meanwhile by the grid worker) acknowledges their father's alert in another
// household — one they were never told about — and stops its ladder before the family rung is
// reached. Cause: src/notify/replies.ts:38-46 (match: candidates are every *open* alert of the
// sender's households, toldAt -Infinity included; the alert the reply answers is dropped because
// it is no longer open, so the never-told one wins).
// Correct: a reply answers a message the sender received; the alert of their last message
// (here already acknowledged: "already handled") — never an alert they were not told about.
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from './app-harness.ts';

const TOKEN = 'reply-token-0123456789';
const FAMILY = '13700000003';
const tencentReply = (mobile: string, text: string, at: number) => ({ extend: '', mobile, nationcode: '86', sign: '安心', text, time: Math.floor(at / 1000) });

describe('a family phone shared by two elders\' households', () => {
  it('a "1" does not acknowledge the alert the family was never told about', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } });
    // hh-1 (mother): only the son is on the ladder → told at once.
    r.seed([{ name: '李明', role: 'family', phone: FAMILY }]);
    const s = r.app.store;
    // hh-2 (father, another address): a grid worker first, the same son on rung 2.
    s.households.create({ id: 'hh-2', name: '李建国', address: '莲花路 14 号', gridId: 'futian-01' }, r.clock.now);
    s.households.giveConsent('hh-2', { consentedBy: '李建国', consentedAt: r.clock.now, scope: ['water-monitoring'] });
    s.meters.provision('m-2', 'hh-2', r.clock.now);
    s.contacts.add('hh-2', { name: '陈网格', role: 'grid-worker', phone: '13800000002' });
    s.contacts.add('hh-2', { name: '李明', role: 'family', phone: FAMILY });

    const mother = r.raise('no-usage');
    await r.advance(T0 + 2 * MIN);
    const father = r.raise('no-usage', { id: 'al-father', meterId: 'm-2' });
    await r.advance(T0 + 5 * MIN);
    expect(r.rec.lines()).toEqual(['rung-2→13700000003 sms', 'rung-1→13800000002 sms']);
    // The mother's alert is handled (a neighbour went round) …
    expect(r.app.acks.acknowledge(mother.id, 'duty officer', 'api')).toMatchObject({ status: 'acknowledged' });
    // … and the son answers the text he got about her.
    const res = await r.app.http.inject({ method: 'POST', url: `/callbacks/sms/tencent/${TOKEN}`, payload: tencentReply(FAMILY, '1', r.clock.now) });
    expect(res.statusCode).toBe(200);
    // The father's alert: the son has never heard of it; its ladder must go on to him.
    expect(s.alerts.get(father.id)).toMatchObject({ status: 'open' });
    await r.app.stop();
  });
});
