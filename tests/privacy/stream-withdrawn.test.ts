// Guards: the live stream shows a viewer no more than the API would. README (Security): after
// a consent withdrawal "grid workers no longer see it (admins do)" (canSeeHousehold in
// src/http/auth/principal.ts; GET /api/households/:id answers 404). Before the fix the stream
// decided visibility from the event's gridId alone (src/http/routes/events.ts `visible`), so
// during an erasure grace period a grid worker's board still received events of the withdrawn
// household, with its name and the alert (here: an outcome an admin records after the
// withdrawal; also the consent-withdrawn resolutions themselves). Now each event is checked
// against the household as stored when it is sent, by the routes' rule.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { T0 } from '../dashboard/helpers.ts';
import { addUser, login } from '../http/auth/helpers.ts';
import { sseStream as stream } from './sse-client.ts';

let app: App | undefined;
let dir = '';
afterEach(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('live stream after a consent withdrawal', () => {
  it('sends a grid worker nothing about a household it can no longer see', async () => {
    dir = mkdtempSync(join(tmpdir(), 'anxin-hunt-sse-'));
    const now = { t: T0 };
    const config = parseConfig({
      dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' },
      log: { level: 'silent' }, security: { erasureGraceDays: 30 },
    });
    app = createApp(config, { clock: () => now.t, jobs: false });
    const s = app.store;
    for (const [h, m] of [['h1', 'm1'], ['h2', 'm2']] as const) {
      s.households.create({ id: h, name: `住户 ${h}`, gridId: 'g1' }, T0);
      s.households.giveConsent(h, { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
      s.meters.provision(m, h, T0);
    }
    await app.start();
    await addUser(s, { username: 'boss', role: 'admin' });
    await addUser(s, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
    const admin = await login(app.http, 'boss');
    const worker = await login(app.http, 'w1');
    const port = (app.http.server.address() as { port: number }).port;
    const feed = (meterId: string, ts: number, totalLiters: number, battery: number) => {
      now.t = ts;
      app!.monitor.onReadings([{ meterId, ts, totalLiters, receivedAt: ts, battery }]);
      s.writes.flushSync();
    };
    feed('m1', T0, 100, 5); // h1: battery-low alert open

    const w = await admin.req({ method: 'POST', url: '/api/households/h1/consent/withdraw' });
    expect(w.statusCode).toBe(200);
    const [alertId] = w.json().closedAlerts as string[];
    expect((await worker.req({ url: '/api/households/h1' })).statusCode).toBe(404); // hidden from the worker
    expect((await worker.req({ url: `/api/alerts/${alertId}` })).statusCode).toBe(404);

    // The worker's board opens after the withdrawal; an admin then records the visit outcome
    // on the withdrawn household's alert (allowed in any status, src/http/routes/alert-outcome.ts).
    const board = stream(port, worker.cookie);
    await board.until(() => board.text().includes('event: hello'));
    expect((await admin.req({ method: 'POST', url: `/api/alerts/${alertId}/outcome`, payload: { outcome: 'elder-fine', note: '电话确认' } })).statusCode).toBe(200);

    feed('m2', T0 + 60_000, 100, 5); // an event the worker may see: proves the stream has caught up
    await board.until(() => board.text().includes('住户 h2'));
    board.close();
    expect(board.text()).not.toContain('住户 h1');
  });
});
