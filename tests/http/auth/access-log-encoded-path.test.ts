// Regression test (found by a review, 2026-12-07). The bug, as it was:
// An authenticated read of personal data must leave an access-log entry (README, "Access log":
// every /api request by a principal is written before the answer leaves). A path spelled with a
// percent-encoded letter reaches the same /api route (the router decodes it; the auth hook
// checks the matched route) but the access-log hook looks only at the raw URL.
import { afterEach, describe, expect, it } from 'vitest';
import { household, rig, type Rig } from '../../dashboard/helpers.ts';
import { addUser, login } from './helpers.ts';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

describe('access log and URL spelling', () => {
  it('logs a household read made through /%61pi/… like one made through /api/…', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    await addUser(r.app.store, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
    const worker = await login(r.app.http, 'w1');
    const before = r.app.store.accessLog.list({ limit: 500, offset: 0 }).total;
    const res = await worker.req({ url: '/%61pi/households/h1' });
    // The personal data is served…
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe('住户 h1');
    // …so the read must be on record.
    const after = r.app.store.accessLog.list({ limit: 500, offset: 0 });
    expect(after.total).toBe(before + 1);
    expect(after.items[0]).toMatchObject({ actor: 'w1', householdId: 'h1', status: 200, route: '/api/households/h1' });
  });
});
