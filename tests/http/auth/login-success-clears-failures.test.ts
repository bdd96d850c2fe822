// A successful sign-in clears that username's earlier failures, so a grid worker who mistyped a
// few times, then got in, is not locked out for 15 minutes by a single later typo.
// src/http/auth/login-limiter.ts keeps failures under `h:<HMAC of the username>` (migration 12);
// `succeeded()` once cleared the old key `u:<username>`, which no longer exists, so nothing was cleared.
// The limiter's own contract: "A right password clears that username's failures (not the address's)";
// README Security: failed sign-ins are limited ("429 rate-limited ... after 5 failures per username").
import { describe, expect, it } from 'vitest';
import { T0 } from '../../store/temp-store.ts';
import { harness } from '../harness.ts';
import { PASSWORD, addUser } from './helpers.ts';

describe('sign-in limiter: a right password clears the username’s failures', () => {
  it('4 typos, a good sign-in, then one more typo is a plain 401, not a 15-minute lockout', async () => {
    const { app, store, clock } = harness();
    await addUser(store, { username: 'wangfang', role: 'grid-worker', gridIds: ['g1'] });
    // Different addresses, so only the per-username limit is in play.
    const attempt = (password: string, ip: string) =>
      app.inject({ method: 'POST', url: '/api/session', payload: { username: 'wangfang', password }, remoteAddress: ip });
    for (let i = 0; i < 4; i++) expect((await attempt(`typo ${i}`, `10.0.0.${i + 1}`)).statusCode).toBe(401);
    clock.now = T0 + 60_000;
    expect((await attempt(PASSWORD, '10.0.1.1')).statusCode).toBe(200); // she got in
    clock.now = T0 + 5 * 60_000;
    // Later, on another device, one typo ...
    const typo = await attempt('one more typo', '10.0.2.1');
    expect(typo.statusCode).toBe(401);
    // ... and the right password must still work (it was 429 for the rest of the 15 minutes).
    const again = await attempt(PASSWORD, '10.0.2.1');
    expect(again.statusCode, again.body).toBe(200);
  });
});
