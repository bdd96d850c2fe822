// Regression (a bug hunt found it; fixed): the daily job's grace-period erasure stops at the first household whose erasure
// throws: eraseDue awaits each erase in one loop without a guard, so the error propagates out of
// runRetention and every household after it (ids in order, so the same ones every day) keeps its
// readings, contacts, name and address past the PIPL grace period, indefinitely.
// Cause: src/service/consent-lifecycle.ts:207-210 (no per-household try/catch in eraseDue), and
// src/service/retention.ts:66 (eraseDue not guarded either). Correct: each household is erased
// on its own; one that fails is logged and retried next run, the others are erased.
import { afterEach, describe, expect, it } from 'vitest';
import { rig, household, T0, type Rig } from '../dashboard/helpers.ts';

const DAY = 86_400_000;
let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('grace-period erasure in the daily job', () => {
  it('erases the other due households when one household cannot be erased', async () => {
    r = await rig({ config: { security: { erasureGraceDays: 1 } } });
    household(r, 'hh-a', 'g1', 'm-a');
    household(r, 'hh-b', 'g1', 'm-b');
    r.feed('m-a', T0 + 60_000, 100);
    r.feed('m-b', T0 + 60_000, 100);
    expect((await r.api('POST', '/api/households/hh-a/consent/withdraw')).status).toBe(200);
    expect((await r.api('POST', '/api/households/hh-b/consent/withdraw')).status).toBe(200);
    // hh-a's erasure fails (fault injection through the maintenance handle); hh-b's has no reason to.
    r.app.store.db.exec("CREATE TRIGGER fail_hh_a BEFORE DELETE ON households WHEN old.id = 'hh-a' BEGIN SELECT RAISE(ABORT, 'cannot erase hh-a now'); END");
    r.clock.now = T0 + 2 * DAY;
    await r.app.runRetention().catch(() => undefined);
    expect(r.app.store.households.get('hh-a')).toBeDefined(); // the failing one stays, to be retried
    expect(r.app.store.households.get('hh-b')).toBeUndefined(); // …but hh-b's grace period is over too
    expect(r.app.store.readings.recent('m-b', 10)).toEqual([]);
  });
});
