// An Authorization header of another scheme than Bearer is no credential of Anxin's: a dashboard
// behind a reverse proxy with HTTP Basic auth (the browser then sends `Authorization: Basic …` on
// every request), a health checker or a Prometheus scrape carrying its proxy's Basic credentials.
// Once an API token is configured (docker compose requires ANXIN_API_TOKEN) such a header turned
// every request into a 401 — the open `/health` and `/metrics` too, and a signed-in grid worker's
// own dashboard requests — because bearerToken() answered '' for another scheme and resolve()
// refused any bearer value that did not match before looking at the route or the cookie.
// README HTTP API: "`/health` and `/metrics` are open (no personal data); every `/api/*` route
// needs a principal: a person signed in with a session cookie, or a machine with
// `Authorization: Bearer <ANXIN_API_TOKEN>`." A wrong bearer token is still refused on /api.
import { describe, expect, it } from 'vitest';
import { harness } from '../harness.ts';
import { PASSWORD, addUser } from './helpers.ts';

const BASIC = 'Basic cHJveHk6cHJveHktcGFzcw=='; // proxy:proxy-pass, added by a reverse proxy

describe('an Authorization header of another scheme', () => {
  it('leaves /health and /metrics open', async () => {
    const { app } = harness({ apiToken: 'configured-api-token-0123456789' });
    for (const url of ['/health', '/metrics']) {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: BASIC } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
  });

  it('does not sign out a grid worker whose browser sends a proxy’s Basic credentials', async () => {
    const { app, store } = harness({ apiToken: 'configured-api-token-0123456789' });
    await addUser(store, { username: 'wangfang', role: 'grid-worker', gridIds: ['g1'] });
    const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'wangfang', password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const res = await app.inject({ method: 'GET', url: '/api/households', headers: { cookie, authorization: BASIC } });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('still refuses a wrong bearer token on /api, also beside a valid session cookie, and leaves the open routes open', async () => {
    const { app, store } = harness({ apiToken: 'configured-api-token-0123456789' });
    await addUser(store, { username: 'wangfang', role: 'grid-worker', gridIds: ['g1'] });
    const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'wangfang', password: PASSWORD } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    for (const authorization of ['Bearer wrong-token', 'Bearer', 'bearer two tokens']) {
      const res = await app.inject({ method: 'GET', url: '/api/households', headers: { cookie, authorization } });
      expect(res.statusCode, `${authorization}: ${res.body}`).toBe(401);
      expect(res.json().error).toBe('unauthorized');
      expect((await app.inject({ method: 'GET', url: '/api/households', headers: { authorization } })).statusCode).toBe(401);
    }
    // A Basic header is no principal either: without the cookie it is the plain 401.
    expect((await app.inject({ method: 'GET', url: '/api/households', headers: { authorization: BASIC } })).statusCode).toBe(401);
    // The open routes carry no personal data: a stale token on a health checker does not blind it.
    expect((await app.inject({ method: 'GET', url: '/health', headers: { authorization: 'Bearer wrong-token' } })).statusCode).toBe(200);
  });
});
