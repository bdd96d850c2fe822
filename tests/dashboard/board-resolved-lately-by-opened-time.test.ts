// Regression (a bug hunt found it; fixed): GET /api/board's "resolved lately" (`resolvedHours`, README) selects resolved alerts by
// when they were OPENED (src/http/routes/status.ts:105 passes `since` to store.alerts.list, which
// filters `a.opened_at >= @since`, src/store/alerts.ts:107). An alert open for two days and resolved
// an hour ago vanishes from the board at once instead of showing as just resolved.
// Correct: resolved alerts whose resolvedAt is within the last `resolvedHours` are on the board.
import { afterEach, expect, it } from 'vitest';
import { HOUR, T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

it('lists an alert resolved an hour ago even though it opened two days ago', async () => {
  r = await rig();
  household(r, 'h1', 'g1', 'm1');
  r.feed('m1', T0, 100, { battery: 5 }); // battery-low opens at T0
  const id = r.app.store.alerts.listActive().find((a) => a.type === 'battery-low')!.id;
  r.feed('m1', T0 + 47 * HOUR, 100, { battery: 90 }); // new battery: resolves itself at T0 + 47 h
  const a = await r.api('GET', `/api/alerts/${id}`);
  expect(a.body.status).toBe('resolved');
  expect(a.body.resolvedAt).toBeGreaterThan(T0 + 46 * HOUR);
  r.clock.now = T0 + 48 * HOUR; // an hour later
  const board = await r.api('GET', '/api/board?resolvedHours=24');
  expect(board.status).toBe(200);
  expect(board.body.items.map((x: any) => x.id)).toContain(id);
});
