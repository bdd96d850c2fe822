// Defect: an InfluxDB (or a proxy in front of it) that answers a write slowly — headers, then a
// body trickling a byte every 50 ms — is never timed out: `timeoutMs` is only the socket's idle
// timeout (the client's req.setTimeout), not a deadline for the write. The write's points are
// neither written nor spooled, nothing is counted, and every later batch piles up the same way
// in memory. A clean stop then hangs for ever in writer.close() (`await live.flush()` of the
// usage buckets it has just added), so the detector's state save and store close after it never
// run until the supervisor kills the process (docker stop: SIGKILL after 10 s) — and the points
// are lost.
// What the user sees: readings accepted (PUBACKed) by Anxin never appear in InfluxDB/Grafana and
// are not in ts_spool; anxin_timeseries_write_errors_total{class="timeout"} stays 0;
// `docker compose restart anxin` takes the full kill timeout.
// README ("During an InfluxDB outage: the spool"): "a batch the server does not take is written
// at once to the ts_spool table … In memory there is at most flushIntervalMs + timeoutMs of
// points"; project standard: no data lost, bounded memory against slow peers.
// Cause: src/timeseries/writer.ts relies on `new InfluxDB({ timeout })`, whose Node transport
// arms only socket inactivity (setTimeout on the request), so a trickling answer never fails.
import http from 'node:http';
import type { Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { T0 } from '../dashboard/helpers.ts';

let app: App | undefined;
let server: http.Server | undefined;
const sockets = new Set<Socket>();
const trickles: NodeJS.Timeout[] = [];
let dir = '';
let healed = false;
afterEach(async () => {
  // The slow peer goes first: with it alive the app's stop would hang (part of the defect).
  healed = true;
  for (const t of trickles.splice(0)) clearInterval(t);
  for (const s of sockets) s.destroy();
  await app?.stop().catch(() => {});
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = undefined;
  server = undefined;
  dir = '';
  healed = false;
});

it('times out and spools a write the server answers too slowly', { timeout: 30_000 }, async () => {
  // Resolves once the slow server has been answering for 10 × timeoutMs (40 bytes, 50 ms apart).
  let longOverdue!: () => void;
  const overdue = new Promise<void>((ok) => (longOverdue = ok));
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (healed) return res.writeHead(204).end();
      // A slow answer: 200 with a chunked body that never ends, a byte every 50 ms.
      res.writeHead(200, { 'content-type': 'text/plain' });
      let sent = 0;
      trickles.push(setInterval(() => (res.write(' '), ++sent === 40 && longOverdue()), 50));
    });
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;

  dir = mkdtempSync(join(tmpdir(), 'anxin-hunt-slow-influx-'));
  const now = { t: T0 };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    timeseries: { url: `http://127.0.0.1:${port}`, token: 't', org: 'o', bucket: 'b', flushIntervalMs: 10, timeoutMs: 200, retryMs: 60_000, maxBackoffMs: 60_000 },
  });
  app = createApp(config, { clock: () => now.t, jobs: false });
  const s = app.store;
  s.households.create({ id: 'h1', name: '住户', gridId: 'g1' }, T0);
  s.households.giveConsent('h1', { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
  s.meters.provision('m1', 'h1', T0);
  for (let i = 0; i < 3; i++) {
    now.t = T0 + i * 60_000;
    app.monitor.onReadings([{ meterId: 'm1', ts: now.t, totalLiters: 100 + i, receivedAt: now.t }]);
    s.writes.flushSync();
  }
  await app.monitor.flush();
  await overdue; // the write has been in flight for 10 × timeoutMs

  // By now it must have timed out: counted, and its readings kept in the durable spool.
  expect(app.metrics.timeseriesWriteErrors.get({ class: 'timeout' })).toBeGreaterThan(0);
  const db = new Database(config.dbPath, { readonly: true });
  const spooled = (db.prepare('SELECT line FROM ts_spool').all() as { line: string }[]).map((r) => r.line);
  db.close();
  expect(spooled.filter((l) => l.startsWith('reading,'))).toHaveLength(3);
});
