// What the user saw: with an InfluxDB (or a proxy in front of it) answering writes slowly —
// headers, then a body trickling a byte every 50 ms — readings Anxin had accepted never appeared
// in InfluxDB/Grafana nor in ts_spool, anxin_timeseries_write_errors_total{class="timeout"}
// stayed 0, memory grew, and `docker compose restart anxin` took the full kill timeout (the
// stop hung in writer.close()): timeoutMs was only the socket's idle timeout.
// The fix: every request has a total deadline of timeoutMs (src/timeseries/deadline.ts wraps
// the client's transport with AbortSignal.timeout); on expiry the write fails as a timeout and
// its points go to the durable spool; close() is bounded as well.
// README ("During an InfluxDB outage: the spool"): "a batch the server does not take is written
// at once to the ts_spool table … In memory there is at most flushIntervalMs + timeoutMs of points".
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
import { consentingHomes, feed } from './influx-app.ts';

let app: App | undefined;
let server: http.Server | undefined;
const sockets = new Set<Socket>();
const trickles: NodeJS.Timeout[] = [];
let dir = '';
let healed = false;
afterEach(async () => {
  // The slow peer goes first: before the fix, the app's stop hung while it was alive.
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

it('times out and spools a write the server answers too slowly', async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (healed) return res.writeHead(204).end();
      // A slow answer: 200 with a chunked body that never ends, a byte every 50 ms.
      res.writeHead(200, { 'content-type': 'text/plain' });
      trickles.push(setInterval(() => res.write(' '), 50)); // never idle for the 200 ms idle timeout
    });
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;

  dir = mkdtempSync(join(tmpdir(), 'anxin-slow-influx-'));
  const now = { t: T0 };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    timeseries: { url: `http://127.0.0.1:${port}`, token: 't', org: 'o', bucket: 'b', flushIntervalMs: 10, timeoutMs: 200, retryMs: 60_000, maxBackoffMs: 60_000 },
  });
  app = createApp(config, { clock: () => now.t, jobs: false });
  consentingHomes(app.store, [['h1', 'm1']], T0);
  for (let i = 0; i < 3; i++) feed(app, now, 'm1', T0 + i * 60_000, 100 + i);
  await app.monitor.flush();
  // Resolves once every point handed over is written or spooled: here at the write's deadline,
  // timeoutMs (200 ms), however long the trickle goes on (before the fix: its own 1.2 s bound).
  await app.timeseries!.flush();

  // Counted, and its readings kept in the durable spool.
  expect(app.metrics.timeseriesWriteErrors.get({ class: 'timeout' })).toBe(1);
  const spooled = () => {
    const db = new Database(config.dbPath, { readonly: true });
    const lines = (db.prepare('SELECT line FROM ts_spool').all() as { line: string }[]).map((r) => r.line);
    db.close();
    return lines;
  };
  expect(spooled().filter((l) => l.startsWith('reading,'))).toHaveLength(3);

  // A clean stop with the server still trickling ends too; the open usage buckets it writes are spooled.
  await app.stop();
  app = undefined;
  expect(spooled().filter((l) => l.startsWith('usage,'))).toHaveLength(2); // the hour and the day so far
});
