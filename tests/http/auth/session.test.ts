import { describe, expect, it } from 'vitest';
import { HOUR, T0 } from '../../store/temp-store.ts';
import { harness } from '../harness.ts';
import { PASSWORD, addUser, login } from './helpers.ts';

describe('POST/GET/DELETE /api/session', () => {
  it('signs in with a hashed password, sets a strict HttpOnly cookie and answers the user and CSRF token', async () => {
    const { app, store } = harness();
    await addUser(store, { username: 'wang', role: 'grid-worker', gridIds: ['g1', 'g2'], displayName: '王网格员' });
    expect(JSON.stringify(store.users.list())).not.toContain(PASSWORD);

    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'wang', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ user: { username: 'wang', displayName: '王网格员', role: 'grid-worker', gridIds: ['g1', 'g2'] }, csrfToken: expect.any(String) });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^anxin_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain(`Max-Age=${12 * 3600}`);
    expect(cookie).not.toContain('Secure'); // plain HTTP here; tests/http/auth/tls.test.ts checks HTTPS
    expect(res.headers['cache-control']).toBe('no-store');

    const sid = cookie.split(';')[0]!;
    const again = await app.inject({ url: '/api/session', headers: { cookie: sid } });
    expect(again.json()).toEqual(body);
    // Only a hash of the cookie value is stored.
    expect(JSON.stringify(store.sessions)).not.toContain(sid.split('=')[1]);
  });

  it('answers 401 bad-credentials for a wrong password, an unknown or a disabled user', async () => {
    const { app, store } = harness();
    await addUser(store, { username: 'li', role: 'admin' });
    const wrong = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'li', password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('bad-credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const unknown = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'nobody', password: PASSWORD } });
    expect(unknown.json().error).toBe('bad-credentials');
    store.users.disable('li');
    expect((await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'li', password: PASSWORD } })).statusCode).toBe(401);
    const bad = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'li' } });
    expect(bad.json()).toMatchObject({ error: 'invalid-body', message: expect.stringMatching(/^body\.password/) });
  });

  it('expires a session after the idle limit and after the absolute limit', async () => {
    const { app, store, clock } = harness();
    await addUser(store, { username: 'li', role: 'admin' });
    const c = await login(app, 'li');
    clock.now = T0 + 119 * 60_000; // idle limit 120 min
    expect((await c.req({ url: '/api/households' })).statusCode).toBe(200);
    clock.now += 119 * 60_000; // still within idle of the last use
    expect((await c.req({ url: '/api/households' })).statusCode).toBe(200);
    clock.now += 120 * 60_000;
    expect((await c.req({ url: '/api/households' })).statusCode).toBe(401);

    clock.now = T0 + 24 * HOUR;
    const d = await login(app, 'li');
    for (let i = 1; i <= 11; i++) {
      clock.now = T0 + 24 * HOUR + i * HOUR;
      expect((await d.req({ url: '/api/session' })).statusCode).toBe(200);
    }
    clock.now = T0 + 24 * HOUR + 12 * HOUR; // absolute limit 12 h, however busy
    expect((await d.req({ url: '/api/session' })).statusCode).toBe(401);
  });

  it('requires x-csrf-token on every change made with the cookie; bearer requests are exempt', async () => {
    const apiToken = 'machine-token-0123456789';
    const { app, store } = harness({ apiToken });
    await addUser(store, { username: 'li', role: 'admin' });
    const c = await login(app, 'li');
    const payload = { id: 'hh-1', name: '王奶奶', gridId: 'g1' };
    const none = await app.inject({ method: 'POST', url: '/api/households', payload, headers: { cookie: c.cookie } });
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toBe('csrf');
    const wrong = await app.inject({ method: 'POST', url: '/api/households', payload, headers: { cookie: c.cookie, 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrong.json().error).toBe('csrf');
    expect(store.households.get('hh-1')).toBeUndefined();
    expect((await c.req({ method: 'POST', url: '/api/households', payload })).statusCode).toBe(201);
    const machine = await app.inject({ method: 'POST', url: '/api/households', payload: { ...payload, id: 'hh-2' }, headers: { authorization: `Bearer ${apiToken}` } });
    expect(machine.statusCode).toBe(201);
    // Another session's token does not fit this one.
    const other = await login(app, 'li');
    const crossed = await app.inject({ method: 'POST', url: '/api/households', payload: { ...payload, id: 'hh-3' }, headers: { cookie: c.cookie, 'x-csrf-token': other.csrf } });
    expect(crossed.json().error).toBe('csrf');
  });

  it('signs out: DELETE revokes the session server-side and clears the cookie', async () => {
    const { app, store } = harness();
    await addUser(store, { username: 'li', role: 'admin' });
    const c = await login(app, 'li');
    expect((await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: c.cookie } })).json().error).toBe('csrf');
    const out = await c.req({ method: 'DELETE', url: '/api/session' });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^anxin_session=;/);
    expect((await c.req({ url: '/api/session' })).statusCode).toBe(401);
    expect((await c.req({ url: '/api/households' })).statusCode).toBe(401);
  });

  it('ends every session of a user on password reset and on disable', async () => {
    const { app, store } = harness();
    await addUser(store, { username: 'li', role: 'admin' });
    const a = await login(app, 'li');
    await store.users.setPassword('li', 'a brand new password');
    expect((await a.req({ url: '/api/session' })).statusCode).toBe(401);
    const b = await login(app, 'li', 'a brand new password');
    store.users.disable('li');
    expect((await b.req({ url: '/api/session' })).statusCode).toBe(401);
  });

  it('rate-limits failed sign-ins per username and per address with 429 and Retry-After, counted in /metrics', async () => {
    const { app, store, clock, metrics } = harness();
    await addUser(store, { username: 'li', role: 'admin' });
    const attempt = (username: string, password: string, ip = '127.0.0.1') =>
      app.inject({ method: 'POST', url: '/api/session', payload: { username, password }, remoteAddress: ip });
    for (let i = 0; i < 5; i++) expect((await attempt('li', `guess ${i}`)).statusCode).toBe(401);
    const limited = await attempt('li', PASSWORD); // even the right password waits
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('rate-limited');
    expect(Number(limited.headers['retry-after'])).toBe(15 * 60);
    clock.now = T0 + 15 * 60_000 + 1;
    expect((await attempt('li', PASSWORD)).statusCode).toBe(200);
    const text = metrics.render();
    expect(text).toContain('anxin_sign_ins_total{result="bad-credentials"} 5');
    expect(text).toContain('anxin_sign_ins_total{result="rate-limited"} 1');
    expect(text).toContain('anxin_sign_ins_total{result="ok"} 1');

    // Per address: 20 failures over many names from one address, then that address waits.
    for (let i = 0; i < 20; i++) await attempt(`user${i}`, 'x', '10.0.0.9');
    expect((await attempt('someone-else', 'x', '10.0.0.9')).statusCode).toBe(429);
    expect((await attempt('someone-else', 'x', '10.0.0.10')).statusCode).toBe(401);
  });
});
