// Regression (a bug hunt found it; fixed): the daily retention prunes readings outside its per-table error guard, so when the
// readings prune fails (a corrupt/locked readings table, any SQLite error on that DELETE) the
// whole run rejects before anything else: no other table is pruned and, worst, no household
// past its PIPL erasure grace period is erased — every day, for as long as the fault lasts.
// Cause: src/service/retention.ts:48 (runSliced readings prune not wrapped in `step`, whose
// comment at :50-51 promises "one that fails must not stop the others, least of all the PIPL
// erasure"). Correct: the readings step fails alone (logged, absent from the result) and the
// other tables and the grace-period erasure still run.
import { afterEach, describe, expect, it } from 'vitest';
import { rig, household, T0, type Rig } from '../dashboard/helpers.ts';

const DAY = 86_400_000;
let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('retention: a failing readings prune', () => {
  it('does not stop the erasure of a household whose grace period is over', async () => {
    r = await rig({ config: { security: { erasureGraceDays: 2 } } });
    household(r, 'hh-1', 'g1', 'm-1');
    household(r, 'hh-2', 'g1', 'm-2');
    r.feed('m-1', T0 + 60_000, 100);
    r.feed('m-2', T0 + 60_000, 100);
    const w = await r.api('POST', '/api/households/hh-1/consent/withdraw');
    expect(w.status).toBe(200);
    // Deleting another (still consented) home's old readings fails (fault injection through the
    // maintenance handle); deleting hh-1's, as its erasure does, still works.
    r.app.store.db.exec("CREATE TRIGGER fail_readings_delete BEFORE DELETE ON readings WHEN old.meter_id = 'm-2' BEGIN SELECT RAISE(ABORT, 'readings page unreadable'); END");
    r.clock.now = T0 + 40 * DAY; // past both the grace period and readingsDays
    let removed: Record<string, number> | undefined;
    try {
      removed = await r.app.runRetention();
    } catch {
      // the run as a whole should not fail because of one table
    }
    expect(r.app.store.households.get('hh-1')).toBeUndefined();
    expect(removed?.erasedHouseholds).toBe(1);
  });
});
