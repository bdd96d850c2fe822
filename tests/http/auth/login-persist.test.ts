// The sign-in lockout survives a restart (issue 11): failures are rows in SQLite, so closing the
// app and the store and opening them again on the same file keeps the 429; a manual clock moves
// past the window instead of sleeping. The table stays bounded.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/http/server.ts';
import { createAlertActions } from '../../../src/http/alert-actions.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { loginFailuresRepo } from '../../../src/store/login-failures.ts';
import { T0, tempDir } from '../../store/temp-store.ts';
import { addUser } from './helpers.ts';

const MIN = 60_000;

function start(path: string, clock: { now: number }) {
  const store = openStore(path);
  const app = buildServer({ store, metrics: createMetrics(), clock: () => clock.now, alerts: createAlertActions(store, () => clock.now, () => {}), onAwayChanged: () => {}, onMeterChanged: () => {} });
  const signIn = (username: string, password: string, ip = '203.0.113.5') => app.inject({ method: 'POST', url: '/api/session', payload: { username, password }, remoteAddress: ip });
  return { store, app, signIn, async stop() { await app.close(); store.close(); } };
}

describe('sign-in limiter across a restart', () => {
  it('a locked-out username stays locked after a restart, until the window has passed', async () => {
    const path = join(tempDir(), 'anxin.db');
    const clock = { now: T0 };
    let s = start(path, clock);
    await addUser(s.store, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
    for (let i = 0; i < 5; i++) expect((await s.signIn('w1', 'wrong')).statusCode).toBe(401);
    expect((await s.signIn('w1', 'wrong')).statusCode).toBe(429);
    await s.stop();

    clock.now += 5 * MIN;
    s = start(path, clock); // a restart: new process state, same file
    const locked = await s.signIn('w1', 'correct horse battery');
    expect(locked.statusCode).toBe(429); // even the right password waits: the limit refuses before hashing
    expect(Number(locked.headers['retry-after'])).toBe(10 * 60); // 15 min window, first failure 5 min ago
    clock.now += 10 * MIN + 1000;
    expect((await s.signIn('w1', 'correct horse battery')).statusCode).toBe(200);
    // A right password cleared the username's failures in the table too.
    expect(s.store.loginFailures.recent('u:w1', 0, 100)).toEqual([]);
    await s.stop();
  });

  it('an address over its limit stays limited after a restart', async () => {
    const path = join(tempDir(), 'anxin.db');
    const clock = { now: T0 };
    let s = start(path, clock);
    for (let i = 0; i < 20; i++) expect((await s.signIn(`u${i}`, 'wrong', '198.51.100.9')).statusCode).toBe(401);
    await s.stop();
    s = start(path, clock);
    expect((await s.signIn('u99', 'wrong', '198.51.100.9')).statusCode).toBe(429);
    expect((await s.signIn('u99', 'wrong', '198.51.100.10')).statusCode).toBe(401); // another address is not
    await s.stop();
  });

  it('is bounded: per key only the last few, nothing older than the window, and a cap on the table', () => {
    const store: Store = openStore(join(tempDir(), 'anxin.db'));
    const repo = store.loginFailures;
    for (let i = 0; i < 50; i++) repo.add('u:x', T0 + i, 5, T0 - 15 * MIN);
    expect(repo.recent('u:x', 0, 100)).toEqual([T0 + 49, T0 + 48, T0 + 47, T0 + 46, T0 + 45]);
    repo.add('u:y', T0 + 16 * MIN, 5, T0 + MIN); // everything at or before T0 + 1 min has expired
    expect(repo.count()).toBe(1);
    const capped = loginFailuresRepo(store.db, 100);
    for (let i = 0; i < 300; i++) capped.add(`a:10.0.${i >> 8}.${i & 255}`, T0 + 20 * MIN + i, 20, T0);
    expect(capped.count()).toBe(100);
    expect(capped.recent('a:10.0.1.43', 0, 5)).toEqual([T0 + 20 * MIN + 299]); // the newest kept, the oldest dropped
    expect(capped.recent('a:10.0.0.0', 0, 5)).toEqual([]);
    store.close();
  });
});
