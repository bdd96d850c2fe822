// README, Security, PIPL data lifecycle: withdrawing consent "stops processing at once … grid
// workers no longer see it (admins do), on the live event stream neither … its family links are
// revoked"; Dashboard, family page: "… or withdrawn consent: 404". An acknowledgement link
// (/a/<token>, no sign-in: the token is the credential, like a family link) of a withdrawn
// household answers 404 as an invalid link does — during the erasure grace period too, when its
// rows still exist — for the page (GET) and the button (POST) alike: no masked name, no detector
// explanation of the elder's routine, no acknowledgement, no access-log read of the household.
// src/http/routes/notify.ts resolveToken checks the household's consent besides the signature.
import { afterEach, describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from '../notify/app-harness.ts';
import { T0 as DAY0, household, rig, type Rig } from '../dashboard/helpers.ts';

const TOKEN = 'machine-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('an acknowledgement link after the household withdrew consent', () => {
  it('no longer shows the household nor acknowledges through it (404)', async () => {
    const run = new AppRun(undefined, { config: { http: { port: 0, host: '127.0.0.1', apiToken: TOKEN }, security: { erasureGraceDays: 7 }, notify: { policy: { checkIn: { enabled: false } } } } }).seed();
    const a = run.raise('no-usage');
    await run.advance(T0 + 2 * MIN);
    const sms = run.rec.sent.find((m) => m.to.phone === '13800000002')!;
    const path = /\/a\/\S+/.exec(sms.text)![0];
    const before = await run.app.http.inject({ method: 'GET', url: path });
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('平时 07:10 前会用水');

    const res = await run.app.http.inject({ method: 'POST', url: '/api/households/hh-1/consent/withdraw', headers: auth, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(run.app.store.alerts.get(a.id)?.status).toBe('resolved');
    const reads = () => run.app.store.accessLog.list({ householdId: 'hh-1', limit: 100, offset: 0 }).items.filter((e) => e.action.startsWith('ack-link')).length;
    const readsBefore = reads();

    const after = await run.app.http.inject({ method: 'GET', url: path });
    expect(after.body).not.toContain('平时 07:10 前会用水');
    expect(after.statusCode).toBe(404);
    const answer = await run.app.http.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).not.toContain('平时 07:10 前会用水');
    expect(run.app.store.alerts.history(a.id).filter((e) => e.kind === 'acknowledged')).toEqual([]);
    expect(reads()).toBe(readsBefore);
    await run.app.stop();
  });

  it('as a revoked family link: 404 (dashboard rig, battery alert told by SMS)', async () => {
    r = await rig({ config: { security: { erasureGraceDays: 30 } } });
    household(r, 'h1', 'g1', 'm1');
    r.app.store.households.update('h1', { name: '王秀英' });
    r.app.store.contacts.add('h1', { name: '李明', role: 'grid-worker', phone: '13800138000' });
    r.feed('m1', DAY0, 100, { battery: 5 }); // an alert, told to the grid worker by SMS with a link
    await r.app.notify!.settle();
    const alert = r.app.store.alerts.listActive()[0]!;
    const row = r.app.store.outbox.forAlert(alert.id)[0]!;
    const token = r.app.notify!.links.sign(row.id);
    const before = await r.api('GET', `/a/${token}`);
    expect(before.status).toBe(200);
    expect(String(before.body)).toContain('王*');

    const w = await r.api('POST', '/api/households/h1/consent/withdraw', {});
    expect(w.status).toBe(200);
    expect(w.body.erased).toBeUndefined(); // the grace period: erased later, processing stopped now

    const after = await r.api('GET', `/a/${token}`);
    expect(String(after.body), 'the page still describes the withdrawn household').not.toContain('王*');
    expect(after.status).toBe(404);
  });
});
