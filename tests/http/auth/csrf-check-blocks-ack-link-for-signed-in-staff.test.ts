// Regression (an audit found it; fixed): the CSRF check on cookie requests runs for every route, not only /api: a grid worker
// who is signed in to the dashboard in the same browser and taps the button of an
// acknowledgement link (/a/<token>, a plain form POST whose signed token is the credential and
// which never reads the session) gets 403 {"error":"csrf"} JSON instead of the acknowledgement.
// Cause: src/http/auth/authenticate.ts:100-103 (resolve() throws 'csrf' for any non-safe method
// with a live session cookie, before and regardless of the isApi test at :70/:80).
// Correct (README, HTTP API / Notifications): the x-csrf-token rule is for the API's
// cookie-authenticated state changes; /a/:token is outside /api, has no login ("the signed
// token is the credential") and must acknowledge whoever's cookie the browser carries.
import { afterEach, describe, expect, it } from 'vitest';
import { T0, household, rig, type Rig } from '../../dashboard/helpers.ts';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('acknowledgement link tapped in a browser that is signed in to the dashboard', () => {
  it('acknowledges (the link is the credential), not 403 csrf', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    r.app.store.contacts.add('h1', { name: '李明', role: 'grid-worker', phone: '13800138000' });
    r.feed('m1', T0, 100, { battery: 5 });
    await r.app.notify!.settle();
    const alert = r.app.store.alerts.listActive()[0]!;
    const row = r.app.store.outbox.forAlert(alert.id)[0]!;
    const token = r.app.notify!.links.sign(row.id);

    await r.app.store.users.create({ username: 'wang', password: 'grid-worker-pass-1', role: 'grid-worker', gridIds: ['g1'] });
    const login = await r.api('POST', '/api/session', { username: 'wang', password: 'grid-worker-pass-1' });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;

    // What the browser sends when the page's button is pressed: same-site form POST, cookie attached, no CSRF header.
    const res = await r.app.http.inject({ method: 'POST', url: `/a/${token}`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect([res.statusCode, res.body.slice(0, 60)]).not.toEqual([403, expect.stringContaining('csrf')]);
    expect(res.statusCode).toBe(200);
    expect(r.app.store.alerts.get(alert.id)?.status).toBe('acknowledged');
  });
});
