// Guards: what the live stream delivers is on the access log (PIPL: access logged). A board's
// stream used to be logged once, when it opened; the households whose names and alerts it then
// sent for hours were on no record, so "who saw 王秀英's alerts?" missed every live board.
// Now the stream's row names them as subjects (like a list answer): at least hourly while it
// stays open, and when it ends.
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

const HOUR = 3_600_000;

describe('live stream access log', () => {
  it("names the households whose events a board received: hourly while open, and when it closes", async () => {
    dir = mkdtempSync(join(tmpdir(), 'anxin-sse-log-'));
    const now = { t: T0 };
    const config = parseConfig({
      dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' },
    });
    app = createApp(config, { clock: () => now.t, jobs: false });
    const s = app.store;
    for (const [h, m, g] of [['h1', 'm1', 'g1'], ['h2', 'm2', 'g1'], ['h3', 'm3', 'g2']] as const) {
      s.households.create({ id: h, name: `住户 ${h}`, gridId: g }, T0);
      s.households.giveConsent(h, { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
      s.meters.provision(m, h, T0);
    }
    await app.start();
    await addUser(s, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
    const worker = await login(app.http, 'w1');
    const port = (app.http.server.address() as { port: number }).port;
    const feed = (meterId: string, ts: number) => {
      now.t = ts;
      app!.monitor.onReadings([{ meterId, ts, totalLiters: 100, receivedAt: ts, battery: 5 }]); // battery-low alert
      s.writes.flushSync();
    };
    const streamRows = () => s.accessLog.list({ actor: 'w1', limit: 50, offset: 0 }).items.filter((e) => e.route === '/api/events');

    const board = stream(port, worker.cookie);
    await board.until(() => board.text().includes('event: hello'));
    expect(streamRows().map((e) => e.subjects)).toEqual([undefined]); // the opening

    feed('m1', T0 + 60_000);
    feed('m3', T0 + 120_000); // another grid's: not sent, not logged
    await board.until(() => board.text().includes('住户 h1'));
    feed('m2', T0 + HOUR + 60_000); // an hour on: the row for what was sent so far is written
    await board.until(() => board.text().includes('住户 h2'));
    expect(streamRows().map((e) => e.subjects)).toEqual([['h1', 'h2'], undefined]);
    expect(s.accessLog.list({ householdId: 'h1', limit: 10, offset: 0 }).items.map((e) => e.actor)).toEqual(['w1']);
    expect(s.accessLog.list({ householdId: 'h3', limit: 10, offset: 0 }).total).toBe(0);

    // A later event, then the board closes: its row is written at the close.
    const ack = await worker.req({ method: "POST", url: `/api/alerts/${s.alerts.list({ householdId: 'h1', status: 'open', limit: 1, offset: 0 }).items[0]!.id}/ack`, payload: {} });
    expect(ack.statusCode, ack.body).toBe(200);
    await board.until(() => board.text().split('住户 h1').length > 2);
    board.close();
    await new Promise<void>((ok) => { const check = () => (streamRows().length === 3 ? ok() : setImmediate(check)); check(); });
    expect(streamRows()[0]!.subjects).toEqual(['h1']);
  });
});
