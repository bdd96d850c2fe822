// Regression (a bug hunt found it; fixed): the live stream fixes the viewer (role, grids) when it opens (src/http/routes/events.ts:138,
// `viewerOf(req)` once) and only re-checks that the session still exists (events.ts:194,
// authenticate.ts stillSignedIn). When an admin moves a grid worker from grid g1 to g2
// (PATCH /api/users/:u — "takes effect on the user's next request", src/store/users.ts:148), the open
// board keeps receiving g1's households' alerts (names, alert details): a privacy leak.
// Correct: each event is checked against the user's current role and grids (or the stream ends/resets).
import http from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { MIN, T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

it('stops sending a grid worker the alerts of a grid taken away from them', async () => {
  r = await rig({ listen: true });
  household(r, 'h1', 'g1', 'm1');
  household(r, 'h2', 'g2', 'm2');
  await r.app.store.users.create({ username: 'wang', password: 'grid-worker-pass-1', role: 'grid-worker', gridIds: ['g1'] });
  const login = await r.api('POST', '/api/session', { username: 'wang', password: 'grid-worker-pass-1' });
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const addr = r.app.http.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  let text = '';
  let ended = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const until = (pred: () => boolean) => new Promise<void>((ok) => { const c = () => (pred() ? ok() : waiters.push(c)); c(); });
  const req = http.get({ host: '127.0.0.1', port, path: '/api/events', headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (c: string) => ((text += c), wake()));
    res.on('end', () => ((ended = true), wake()));
    res.on('close', () => ((ended = true), wake()));
  });
  req.on('error', () => {});
  await until(() => text.includes('event: hello'));

  // Wang now looks after g2 only (his next request would see only g2).
  r.app.store.users.update('wang', { gridIds: ['g2'] });
  expect((await r.api('GET', '/api/households/h1/status', undefined, { cookie })).status).toBe(404);

  r.feed('m1', T0 + MIN, 100, { battery: 5 }); // g1's household: no longer wang's
  r.feed('m2', T0 + 2 * MIN, 100, { battery: 5 }); // g2's household: now wang's
  await until(() => ended || text.includes('"householdId":"h2"') || text.includes('"householdId":"h1"'));
  req.destroy();
  expect(text).not.toContain('"householdId":"h1"');
  expect(text).not.toContain('住户 h1');
});
