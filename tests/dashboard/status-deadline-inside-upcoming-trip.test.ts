// Regression (a bug hunt found it; fixed): with a trip registered that begins before the no-usage deadline, the household status
// still gives that deadline (src/detect/status.ts:257: `since` is lastUseAt when awayFrom > t, and
// the deadline is not checked against the away period). The detector cannot raise no-usage then
// (away: src/detect/no-usage.ts:28), and after the return it counts the silence from the return
// (no-usage.ts:31), so the board's countdown announces an alert in the middle of the trip that
// never comes, and sorts the home as if it were due soon.
// Correct: a deadline falling inside [awayFrom, awayUntil) is moved to the silence counted from the
// return (awayUntil + the household's deadline), as the rule does, or at least not shown in the trip.
import { afterEach, expect, it } from 'vitest';
import { HOUR, MIN, T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

it('does not announce a no-usage deadline that falls inside a registered trip', async () => {
  r = await rig();
  household(r, 'h1', 'g1', 'm1');
  r.feed('m1', T0 - 15 * MIN, 1000);
  r.feed('m1', T0, 1010); // water used at 08:00
  r.silence('m1', T0 + 15 * MIN, T0 + HOUR, 1010);
  const before = await r.api('GET', '/api/households/h1/status');
  expect(before.body.noUsageDeadline).toBeGreaterThan(T0 + 2 * HOUR); // a deadline later today
  const deadline = before.body.noUsageDeadline as number;
  // The elder leaves at 10:00 for two days.
  const put = await r.api('PUT', '/api/households/h1/away', { from: T0 + 2 * HOUR, until: T0 + 48 * HOUR });
  expect(put.status).toBe(200);
  const s = await r.api('GET', '/api/households/h1/status');
  expect(deadline).toBeLessThan(T0 + 48 * HOUR); // the old deadline lies inside the trip
  const d = s.body.noUsageDeadline as number | null;
  // And indeed: the silence goes on past that deadline during the trip, and no no-usage is raised.
  r.silence('m1', T0 + HOUR + 15 * MIN, deadline + HOUR, 1010);
  expect(r.app.store.alerts.listActive().filter((a) => a.type === 'no-usage')).toEqual([]);
  // Either no deadline, or one after the return — never one during the trip.
  expect(d === null || d >= T0 + 48 * HOUR, `noUsageDeadline ${d === null ? null : new Date(d).toISOString()}`).toBe(true);
});
