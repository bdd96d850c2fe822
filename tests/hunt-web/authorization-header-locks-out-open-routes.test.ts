// Defect: once an API token is configured (docker compose requires ANXIN_API_TOKEN), ANY
// Authorization header that is not exactly the right bearer token turns every request into a
// 401 — also the open `/health` and `/metrics`, and a signed-in grid worker's own dashboard
// requests. A dashboard behind a reverse proxy with HTTP Basic auth (the browser then sends
// `Authorization: Basic …` on every request) is unusable; a health checker or Prometheus scrape
// that carries its proxy's Basic credentials sees 401 instead of the service's health.
// README HTTP API: "`/health` and `/metrics` are open (no personal data); every `/api/*` route
// needs a principal: a person signed in with a session cookie, or a machine with
// `Authorization: Bearer <ANXIN_API_TOKEN>`."
// Why: src/http/auth/bearer.ts bearerToken() answers '' (not undefined) for a header of another
// scheme, and src/http/auth/authenticate.ts resolve() — run in onRequest for EVERY route, open
// ones included — throws 401 for any bearer value that does not match, before looking at the
// session cookie or at whether the route needs a principal at all.
import { describe, expect, it } from 'vitest';
import { harness } from '../http/harness.ts';
import { PASSWORD, addUser } from '../http/auth/helpers.ts';

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
});
