// Regression (a bug hunt found it; fixed): GET /api/board takes the 200 newest resolved alerts of ALL grids and only then keeps the
// caller's grids (src/http/routes/status.ts:105 `limit: 200` with no gridIds, then the canSee filter
// at :108). A grid worker whose grid had an alert resolved an hour ago does not see it on the board
// when other grids resolved 200 alerts since; no count or page says anything was cut.
// Correct: filter by the caller's grids in the query (gridScope, as /api/alerts does), then limit.
import { afterEach, expect, it } from 'vitest';
import { MIN, T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

it("shows a grid worker its own grid's recently resolved alert whatever other grids did", async () => {
  r = await rig();
  household(r, 'h1', 'g1', 'm1');
  household(r, 'h2', 'g2', 'm2');
  r.feed('m1', T0, 100, { battery: 5 });
  r.feed('m1', T0 + MIN, 100, { battery: 90 }); // g1: battery-low opened and resolved
  const mine = r.app.store.alerts.list({ status: 'resolved', limit: 10, offset: 0 }).items[0]!.id;
  // Grid g2 has a flapping battery: 201 alerts opened and resolved after it.
  for (let i = 0; i < 201; i++) {
    r.feed('m2', T0 + (2 + 2 * i) * MIN, 100, { battery: 5 });
    r.feed('m2', T0 + (3 + 2 * i) * MIN, 100, { battery: 90 });
  }
  expect(r.app.store.alerts.list({ status: 'resolved', limit: 1, offset: 0 }).total).toBeGreaterThan(201);
  await r.app.store.users.create({ username: 'wang', password: 'grid-worker-pass-1', role: 'grid-worker', gridIds: ['g1'] });
  const login = await r.api('POST', '/api/session', { username: 'wang', password: 'grid-worker-pass-1' });
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const board = await r.api('GET', '/api/board?resolvedHours=24', undefined, { cookie });
  expect(board.status).toBe(200);
  expect(board.body.items.map((a: any) => a.id)).toContain(mine);
});
