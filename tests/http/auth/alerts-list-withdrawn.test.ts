// Regression test (found by a review, 2026-12-07). The bug, as it was:
// README (Security): after a consent withdrawal "grid workers no longer see it (admins do)";
// canSeeHousehold (src/http/auth/principal.ts) hides it, GET /api/alerts/:id answers 404 and the
// household list filters it (households.ts list: `consent_withdrawn_at IS NULL`). The alert
// list's grid filter (src/store/alerts.ts whereOf, gridIds) has no such clause, so during the
// erasure grace period GET /api/alerts still hands a grid worker the withdrawn household's alerts.
import { afterEach, describe, expect, it } from 'vitest';
import { T0, rig, type Rig } from '../../dashboard/helpers.ts';
import { addUser, login } from './helpers.ts';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('GET /api/alerts after a consent withdrawal', () => {
  it('lists no alert of the withdrawn household to a grid worker', async () => {
    r = await rig({ config: { security: { erasureGraceDays: 30 } } });
    const app = r.app;
    const s = app.store;
    s.households.create({ id: 'h1', name: '王秀英', gridId: 'g1' }, T0);
    s.households.giveConsent('h1', { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
    s.meters.provision('m1', 'h1', T0);
    app.monitor.onReadings([{ meterId: 'm1', ts: T0, totalLiters: 100, receivedAt: T0, battery: 5 }]);
    s.writes.flushSync();
    await addUser(s, { username: 'boss', role: 'admin' });
    await addUser(s, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
    const admin = await login(app.http, 'boss');
    const worker = await login(app.http, 'w1');
    expect((await worker.req({ url: '/api/alerts' })).json().total).toBe(1);

    const w = await admin.req({ method: 'POST', url: '/api/households/h1/consent/withdraw' });
    expect(w.statusCode).toBe(200);
    const [alertId] = w.json().closedAlerts as string[];
    expect((await worker.req({ url: `/api/alerts/${alertId}` })).statusCode).toBe(404);
    expect((await worker.req({ url: '/api/households' })).json().total).toBe(0);

    const list = await worker.req({ url: '/api/alerts' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((a: { id: string }) => a.id)).toEqual([]);
  });
});
