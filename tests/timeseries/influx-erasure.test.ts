// Guards: an erasure (PIPL Art. 47) also deletes the household's points InfluxDB already holds,
// through the InfluxDB 2 delete API (src/timeseries/erase.ts). Before, the README said they
// stayed for the bucket's retention. The request is a ts_erasures row written in the erasure's
// transaction, sent by the writer, removed on 204, retried with backoff on 503, kept (not
// retried in a loop) on 400, and still sent after a restart. A local HTTP server stands in for
// InfluxDB and enforces the delete API's contract; time is driven by injected timers.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import type { Timers } from '../../src/timeseries/erase.ts';
import { DELETE_AHEAD_MS, householdPredicate } from '../../src/timeseries/erase.ts';
import { T0 } from '../dashboard/helpers.ts';

// The API's ids allow no quote (src/http/validate.ts Id); the escaping is tested on its own below.
const HH = 'h-1';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface Seen { method: string; path: string; org: string | null; bucket: string | null; auth: string | undefined; body: any; violations: string[] }

let apps: App[] = [];
let server: http.Server | undefined;
let dir = '';
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop().catch(() => {});
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** InfluxDB's delete API as documented; writes answer 204. `statuses`: answers to successive deletes (the last repeats). */
async function fakeInflux(statuses: number[]) {
  const deletes: Seen[] = [];
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/api/v2/write') return res.writeHead(204).end();
      const text = Buffer.concat(chunks).toString('utf8');
      const violations: string[] = [];
      if (req.method !== 'POST') violations.push(`method ${req.method}`);
      if (u.pathname !== '/api/v2/delete') violations.push(`path ${u.pathname}`);
      if (u.searchParams.get('org') !== 'o') violations.push('org');
      if (u.searchParams.get('bucket') !== 'b') violations.push('bucket');
      if (req.headers.authorization !== 'Token secret-t') violations.push('authorization');
      if (!String(req.headers['content-type']).startsWith('application/json')) violations.push('content-type');
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        violations.push('body not JSON');
      }
      if (body) {
        if (Object.keys(body).sort().join() !== 'predicate,start,stop') violations.push(`keys ${Object.keys(body)}`);
        if (!RFC3339.test(body.start) || body.start !== '1970-01-01T00:00:00Z') violations.push(`start ${body.start}`);
        if (!RFC3339.test(body.stop) || !(Date.parse(body.stop) >= Date.parse(body.start))) violations.push(`stop ${body.stop}`);
        if (body.predicate !== 'household="h-1"') violations.push(`predicate ${body.predicate}`);
      }
      deletes.push({ method: req.method!, path: u.pathname, org: u.searchParams.get('org'), bucket: u.searchParams.get('bucket'), auth: req.headers.authorization, body, violations });
      if (violations.length) return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'invalid', message: violations.join('; ') }));
      const status = statuses[Math.min(deletes.length - 1, statuses.length - 1)]!;
      if (status === 204) return res.writeHead(204).end();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: status === 400 ? 'invalid' : 'unavailable', message: `answer ${status}` }));
    });
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, deletes };
}

/** Timers the test fires itself: no waiting on wall time. */
function manualTimers() {
  const queue: { fn: () => void; ms: number; id: number }[] = [];
  let next = 1;
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = next++;
      queue.push({ fn, ms, id });
      return id;
    },
    clearTimeout(h) {
      const i = queue.findIndex((t) => t.id === h);
      if (i >= 0) queue.splice(i, 1);
    },
  };
  return { timers, queue };
}

function start(url: string, timers: Timers, dbPath?: string) {
  dir ||= mkdtempSync(join(tmpdir(), 'anxin-influx-erasure-'));
  const now = { t: T0 };
  const config = parseConfig({
    dbPath: dbPath ?? join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    security: { erasureGraceDays: 0 },
    timeseries: { url, token: 'secret-t', org: 'o', bucket: 'b', flushIntervalMs: 20, retryMs: 1000, maxBackoffMs: 8000, timeoutMs: 2000 },
  });
  const app = createApp(config, { clock: () => now.t, jobs: false, timeseriesTimers: timers });
  apps.push(app);
  return { app, config, now };
}

function seed(app: App) {
  const s = app.store;
  s.households.create({ id: HH, name: '住户', gridId: 'g1' }, T0);
  s.households.giveConsent(HH, { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
  s.meters.provision('m1', HH, T0);
}

const rows = (dbPath: string) => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT * FROM ts_erasures').all() as { household_id: string; meter_ids: string; attempts: number; last_error: string | null; rejected_at: number | null }[];
  } finally {
    db.close();
  }
};

/** Fires the timers due now (all queued), then waits for the round they started. */
async function fire(app: App, q: ReturnType<typeof manualTimers>['queue']) {
  for (const t of q.splice(0)) t.fn();
  await app.timeseries!.erasuresSettled();
}

const erase = (app: App) => app.http.inject({ method: 'DELETE', url: `/api/households/${encodeURIComponent(HH)}` });

describe('erasure deletes the household’s points in InfluxDB', () => {
  it('escapes the id in the predicate', () => {
    expect(householdPredicate('h1')).toBe('household="h1"');
    expect(householdPredicate('a"b\\c')).toBe('household="a\\"b\\\\c"');
  });

  it('records the request in the erasure, retries after a 503 with backoff, and removes it on 204', async () => {
    const influx = await fakeInflux([503, 204]);
    const { timers, queue } = manualTimers();
    const { app, config, now } = start(influx.url, timers);
    seed(app);
    now.t = T0 + 3_600_000;
    expect((await erase(app)).statusCode).toBe(200);
    const [row] = rows(config.dbPath);
    expect(row).toMatchObject({ household_id: HH, meter_ids: '["m1"]', attempts: 0, last_error: null });
    expect(queue.map((t) => t.ms)).toEqual([0]); // sent at once

    await fire(app, queue);
    expect(influx.deletes).toHaveLength(1);
    expect(rows(config.dbPath)).toMatchObject([{ attempts: 1, last_error: expect.stringContaining('503'), rejected_at: null }]);
    expect(queue.map((t) => t.ms)).toEqual([1000]); // the spool's retryMs
    expect(app.metrics.timeseriesErasures.get({ outcome: 'retry' })).toBe(1);

    await fire(app, queue);
    expect(influx.deletes).toHaveLength(2);
    expect(influx.deletes.flatMap((d) => d.violations)).toEqual([]);
    expect(influx.deletes[1]!.body.stop).toBe(new Date(now.t + DELETE_AHEAD_MS).toISOString()); // beyond a fast meter's readings
    expect(rows(config.dbPath)).toEqual([]);
    expect(queue).toEqual([]); // nothing more to do
    expect(app.metrics.timeseriesErasures.get({ outcome: 'deleted' })).toBe(1);
  });

  it('sends a pending deletion after a restart', async () => {
    const influx = await fakeInflux([204]);
    const first = manualTimers();
    const a = start(influx.url, first.timers);
    seed(a.app);
    expect((await erase(a.app)).statusCode).toBe(200);
    await a.app.stop(); // before the timer fired: nothing sent
    expect(influx.deletes).toHaveLength(0);
    expect(rows(a.config.dbPath)).toHaveLength(1);

    const second = manualTimers();
    const b = start(influx.url, second.timers, a.config.dbPath);
    expect(second.queue.map((t) => t.ms)).toEqual([0]);
    await fire(b.app, second.queue);
    expect(influx.deletes).toHaveLength(1);
    expect(influx.deletes[0]!.violations).toEqual([]);
    expect(rows(a.config.dbPath)).toEqual([]);
  });

  it('keeps the row with its error on a 400 and does not retry it in a loop', async () => {
    const influx = await fakeInflux([400]);
    const { timers, queue } = manualTimers();
    const { app, config } = start(influx.url, timers);
    seed(app);
    expect((await erase(app)).statusCode).toBe(200);
    await fire(app, queue);
    expect(influx.deletes).toHaveLength(1);
    expect(influx.deletes[0]!.violations).toEqual([]); // refused by choice, not for a broken request
    expect(rows(config.dbPath)).toMatchObject([{ household_id: HH, attempts: 1, last_error: expect.stringContaining('400'), rejected_at: expect.any(Number) }]);
    expect(queue).toEqual([]); // no retry scheduled
    expect(app.metrics.timeseriesErasures.get({ outcome: 'rejected' })).toBe(1);
    // Another erasure's round does not resend it either.
    await app.timeseries!.sendErasures();
    expect(influx.deletes).toHaveLength(1);
  });

  it('writes no row when history is not configured', async () => {
    dir = mkdtempSync(join(tmpdir(), 'anxin-influx-erasure-'));
    const config = parseConfig({ dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' } });
    const app = createApp(config, { clock: () => T0, jobs: false });
    apps.push(app);
    seed(app);
    expect((await erase(app)).statusCode).toBe(200);
    expect(rows(config.dbPath)).toEqual([]);
  });
});
