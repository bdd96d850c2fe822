// Storage faults are loud and lose nothing (issue 11.8). Disk full is a real full disk: the
// database lives on a 4 MiB tmpfs and a filler file takes every free byte, so SQLite's
// next WAL append fails with SQLITE_FULL; space returns when the filler is deleted. That
// needs root (mount); without it the test falls back to `PRAGMA max_page_count` (which
// SQLite enforces on the main file only, so only a large batch is sure to fail) and says so.
// A locked database is another connection holding the write lock (a backup, an operator's
// sqlite3 shell).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

const now = Date.parse('2026-03-01T08:00:00Z');
let dir: string;
let app: App;
let client: MqttClient;
let tmpfs: string | undefined;

/** A 4 MiB tmpfs under `base`, or undefined when this process may not mount. */
function mountTinyDisk(base: string): string | undefined {
  if (process.getuid?.() !== 0 || process.env.ANXIN_TEST_NO_MOUNT) return undefined;
  const at = join(base, 'disk');
  mkdirSync(at);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', at], { stdio: 'ignore' });
    return at;
  } catch {
    return undefined;
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anxin-faults-'));
  tmpfs = mountTinyDisk(dir);
  const dbDir = tmpfs ?? dir;
  app = createApp(parseConfig({ dbPath: join(dbDir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' } }), { clock: () => now, jobs: false });
  app.store.households.create({ id: 'h-1', name: '王奶奶' }, now);
  app.store.households.giveConsent('h-1', { consentedBy: '王奶奶', consentedAt: now, scope: ['water-monitoring'] });
  const p = app.store.meters.provision('m-1', 'h-1', now);
  if ('error' in p) throw new Error(p.message);
  const { mqttPort } = await app.start();
  client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'm-1', password: p.token, protocolVersion: 4, reconnectPeriod: 0 });
});
afterEach(async () => {
  await client?.endAsync(true);
  await app?.stop();
  if (tmpfs) execFileSync('umount', [tmpfs]);
  rmSync(dir, { recursive: true, force: true });
});

const health = async () => {
  const res = await app.http.inject({ method: 'GET', url: '/health' });
  return { status: res.statusCode, body: res.json() as { status: string; storage: unknown } };
};
const reading = (i: number) => JSON.stringify({ ts: now - 60_000 * (100 - i), totalLiters: 100 + i });
const settledOrPending = (p: Promise<unknown>) => Promise.race([p.then(() => 'acknowledged'), new Promise((r) => setImmediate(() => setTimeout(() => r('pending'), 100)))]);

/** Takes every free byte of the disk (tmpfs) or caps the database file at its size. */
function fillDisk(db: Database.Database): void {
  if (tmpfs) {
    // First empty the WAL file: after a checkpoint SQLite writes new frames over the WAL's
    // existing bytes, so a write could still fit a "full" disk (a CI run acknowledged the 2,000
    // readings below, stored, when the checkpoint worker had just reset the WAL).
    db.pragma('wal_checkpoint(TRUNCATE)');
    const fd = openSync(join(tmpfs, 'filler'), 'w');
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    return;
  }
  console.warn('storage-faults: not root, so no tmpfs: simulating a full disk with PRAGMA max_page_count');
  db.exec('CREATE TABLE IF NOT EXISTS filler (x BLOB)');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
  try {
    for (;;) db.prepare('INSERT INTO filler VALUES (randomblob(512))').run();
  } catch (err) {
    expect((err as { code?: string }).code).toBe('SQLITE_FULL');
  }
}
function freeDisk(db: Database.Database): void {
  if (tmpfs) return rmSync(join(tmpfs, 'filler'));
  db.pragma('max_page_count = 1073741823');
  db.exec('DROP TABLE filler');
}

describe('storage faults', () => {
  it('disk full: nothing acknowledged, /health red with the reason, counted; once space returns the reading and the alert are stored, once, with no restart', async () => {
    await client.publishAsync('meters/m-1/reading', reading(0), { qos: 1 });
    fillDisk(app.store.db);

    // A low battery opens an alert while the disk is full, and a reading arrives.
    const status = client.publishAsync('meters/m-1/status', JSON.stringify({ ts: now - 60_000, battery: 5 }), { qos: 1 });
    const read = client.publishAsync('meters/m-1/batch', JSON.stringify({ readings: Array.from({ length: 2000 }, (_, k) => ({ ts: now - 60_000 * 99 + k * 1000, totalLiters: 101 + k / 1000 })) }), { qos: 1 });
    await expect.poll(async () => (await health()).status).toBe(503);
    const red = await health();
    expect(red.body).toMatchObject({ status: 'degraded', storage: { state: 'failing', code: 'SQLITE_FULL', reason: 'disk full: the database cannot grow' } });
    expect(await settledOrPending(read)).toBe('pending'); // a meter resends what was not acknowledged
    if (tmpfs) expect(await settledOrPending(status)).toBe('pending'); // (the page cap lets a small write into a page with room)
    const metrics = app.metrics.render();
    expect(metrics).toMatch(/^anxin_store_healthy 0$/m);
    expect(metrics).toMatch(/^anxin_store_write_failures_total\{code="SQLITE_FULL"\} [1-9]/m);
    if (tmpfs) {
      expect(metrics).toMatch(/^anxin_alerts_unstored 1$/m);
      expect(app.store.alerts.listActive()).toEqual([]); // not pretended stored
    }

    freeDisk(app.store.db);
    await Promise.all([status, read]); // acknowledged only now
    expect((await health()).status).toBe(200);
    expect(app.store.alerts.listActive().map((a) => [a.meterId, a.type])).toEqual([['m-1', 'battery-low']]);
    expect(app.store.db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 2001 });
    expect(app.metrics.render()).toMatch(/^anxin_alerts_opened_total\{type="battery-low"\} 1$/m);
    expect(app.metrics.render()).toMatch(/^anxin_store_healthy 1$/m);
  });

  it('locked by another process: /health says so and keeps answering; the write lands when the lock goes', async () => {
    const other = new Database(app.config.dbPath);
    other.exec('BEGIN IMMEDIATE');
    const read = client.publishAsync('meters/m-1/reading', reading(2), { qos: 1 });
    await expect.poll(async () => (await health()).body.storage).toMatchObject({ state: 'failing', reason: 'database locked by another process or connection' });
    const t0 = performance.now();
    expect((await health()).status).toBe(503);
    expect(performance.now() - t0).toBeLessThan(1000); // issue 11: /health froze for 9.9 s
    expect(await settledOrPending(read)).toBe('pending');
    other.exec('COMMIT');
    other.close();
    await read;
    expect((await health()).status).toBe(200);
    expect(app.store.readings.recent('m-1', 1)[0]?.totalLiters).toBe(102);
  });
});
