// Guards: an erasure (PIPL Art. 47; README Security, "PIPL data lifecycle") also deletes the
// household's points that wait for InfluxDB. During an outage readings, usage and alert events
// sit in the time-series spool (ts_spool, in the same SQLite file, as line protocol tagged
// household=… meter=…); before the fix src/store/erasure.ts never touched it, so the erased
// household's points were sent to InfluxDB once it answered again. Also: the match is on the
// tags exactly (escaping, no prefix of another id, not a field's text), and points still in the
// writer's memory when the erasure runs (the client's buffer, open usage buckets) are not
// spooled afterwards.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Point } from '@influxdata/influxdb-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { spoolClassOf } from '../../src/timeseries/schema.ts';
import { T0 } from '../dashboard/helpers.ts';
import { tempStore } from '../store/temp-store.ts';

let app: App | undefined;
let server: http.Server | undefined;
let dir = '';
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** An app whose InfluxDB is down for maintenance: every write answers 503. */
async function appWithInfluxDown(flushIntervalMs: number, erasureGraceDays = 0) {
  dir = mkdtempSync(join(tmpdir(), 'anxin-spool-erasure-'));
  server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(503).end('down')); });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const now = { t: T0 };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    security: { erasureGraceDays },
    timeseries: { url: `http://127.0.0.1:${port}`, token: 't', org: 'o', bucket: 'b', flushIntervalMs, retryMs: 60_000, maxBackoffMs: 60_000, timeoutMs: 2000 },
  });
  const a = createApp(config, { clock: () => now.t, jobs: false });
  app = a;
  const s = a.store;
  for (const [h, m] of [['h1', 'm1'], ['h10', 'm10']] as const) {
    s.households.create({ id: h, name: `住户 ${h}`, gridId: 'g1' }, T0);
    s.households.giveConsent(h, { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
    s.meters.provision(m, h, T0);
  }
  const feed = (meterId: string, i: number) => {
    now.t = T0 + i * 60_000;
    a.monitor.onReadings([{ meterId, ts: now.t, totalLiters: 100 + i, receivedAt: now.t }]);
    s.writes.flushSync();
  };
  const spooledLines = () => {
    const db = new Database(config.dbPath, { readonly: true });
    try {
      return (db.prepare('SELECT line FROM ts_spool ORDER BY id').all() as { line: string }[]).map((r) => r.line);
    } finally {
      db.close();
    }
  };
  return { app: a, feed, spooledLines };
}

const ofH1 = (lines: string[]) => lines.filter((l) => /household=h1[, ]|meter=m1[, ]/.test(l));
const ofH10 = (lines: string[]) => lines.filter((l) => /household=h10[, ]/.test(l));

describe('erasure and the time-series spool', () => {
  it('leaves no point of the erased household in ts_spool', async () => {
    const { app, feed, spooledLines } = await appWithInfluxDown(50);
    for (let i = 0; i < 5; i++) (feed('m1', i), feed('m10', i));
    await app.monitor.flush();
    await app.timeseries!.flush();
    expect(ofH1(spooledLines()).length).toBeGreaterThan(0);
    const h10Before = ofH10(spooledLines());
    expect(h10Before.length).toBeGreaterThan(0);

    // The data subject asks for erasure (DELETE /api/households/:id, no credential configured: loopback admin).
    const del = await app.http.inject({ method: 'DELETE', url: '/api/households/h1' });
    expect(del.statusCode).toBe(200);
    expect(del.json().removed.ts_spool).toBeGreaterThan(0); // the auditor sees it in the answer

    expect(ofH1(spooledLines())).toEqual([]);
    expect(ofH10(spooledLines())).toEqual(h10Before); // "h1" is a prefix of "h10": h10 keeps its points
    expect(app.timeseries!.spooled()).toBe(spooledLines().length);
  });

  it('drops them at the withdrawal already, when erasure waits out a grace period (processing stops at once)', async () => {
    const { app, feed, spooledLines } = await appWithInfluxDown(50, 30);
    for (let i = 0; i < 5; i++) (feed('m1', i), feed('m10', i));
    await app.monitor.flush();
    await app.timeseries!.flush();
    expect(ofH1(spooledLines()).length).toBeGreaterThan(0);
    const h10Before = ofH10(spooledLines());
    const res = await app.http.inject({ method: 'POST', url: '/api/households/h1/consent/withdraw', payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json().erased).toBeUndefined(); // not erased yet: 30 days' grace
    expect(ofH1(spooledLines())).toEqual([]);
    expect(ofH10(spooledLines())).toEqual(h10Before);
    expect(app.timeseries!.spooled()).toBe(spooledLines().length);
  });

  it('does not spool, after the erasure, points that were still in the writer’s memory', async () => {
    // No flush by the clock during the test: the points wait in the client's buffer.
    const { app, feed, spooledLines } = await appWithInfluxDown(60_000);
    for (let i = 0; i < 3; i++) (feed('m1', i), feed('m10', i));
    expect(spooledLines()).toEqual([]);

    const del = await app.http.inject({ method: 'DELETE', url: '/api/households/h1' });
    expect(del.statusCode).toBe(200);
    await app.timeseries!.flush(); // the buffered batch fails (503) and is spooled
    expect(ofH10(spooledLines()).length).toBeGreaterThan(0);
    expect(ofH1(spooledLines())).toEqual([]);

    // A clean stop writes the open usage buckets: none of them is h1's.
    await app.stop();
    const afterStop = spooledLines();
    expect(afterStop.some((l) => l.startsWith('usage,') && /household=h10[, ]/.test(l))).toBe(true);
    expect(ofH1(afterStop)).toEqual([]);
  });

  it('matches tags exactly: escaped values, not a prefix of another id, not a field', () => {
    const { store } = tempStore();
    const pt = (tags: Record<string, string>, note = '') => {
      const p = new Point('alert_event').intField('count', 1).timestamp(1);
      for (const [k, v] of Object.entries(tags)) p.tag(k, v);
      if (note) p.stringField('alert_id', note);
      return p.toLineProtocol()!;
    };
    const erased = [
      pt({ household: 'h 1,x=y', meter: 'm-a', grid: 'g1' }),
      pt({ household: 'other', meter: 'm 1' }), // one of its meters, before it was assigned
      new Point('usage').tag('household', 'h 1,x=y').tag('grid', 'g1').tag('period', 'hour').floatField('liters', 1).timestamp(1).toLineProtocol()!,
    ];
    const kept = [
      pt({ household: 'h 1,x=y2', meter: 'm-b' }), // the erased id is a prefix of this one
      pt({ household: 'xh 1,x=y', meter: 'm-c' }),
      pt({ household: 'h 1', meter: 'm-d', grid: 'x=y' }),
      pt({ household: 'h2', meter: 'm 10' }),
      pt({ household: 'h3', meter: 'm-e' }, 'household=h 1,x=y meter=m 1'), // only a field's text
      'ingest_rejected,reason=bad count=1i 1',
    ];
    store.timeseries.spool([...kept, ...erased].map((line) => ({ line, cls: spoolClassOf(line) })), 1, 1000);
    expect(store.timeseries.removeTagged('h 1,x=y', ['m 1'])).toBe(erased.length);
    expect(store.timeseries.head(100).map((r) => r.line)).toEqual(kept);
    expect(store.timeseries.count()).toBe(kept.length);
  });
});
