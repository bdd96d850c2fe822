// Regression (a bug hunt found it; fixed): /health turns green (200 "ok", anxin_store_healthy 1) while the group commit is still
// failing and holding readings, as soon as any other write succeeds: a stored alert change calls
// faults.succeeded() and clears the one shared storage fault, although the held batch has not
// been written. On a disk with a little room left (small writes fit, a batch does not) the
// operator is told storage is fine while meters' readings are unacknowledged and unstored.
// Cause: src/service/durable-alerts.ts:55 (an alert write clears the store-wide fault), read by
// src/app.ts:265-267 (/health `ok`) and :104 (anxin_store_healthy). Correct: the fault lasts
// until the failing writes themselves succeed; /health stays 503 while writes are held.
import { afterEach, describe, expect, it } from 'vitest';
import { rig, household, T0, MIN, type Rig } from '../dashboard/helpers.ts';

let r: Rig | undefined;
afterEach(async () => {
  r?.app.store.db.pragma('max_page_count = 1073741823');
  await r?.close();
  r = undefined;
});
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((res) => setImmediate(res));
};

describe('/health during a storage fault', () => {
  it('stays degraded while readings are held, even if an alert write fits', async () => {
    r = await rig({ listen: true }); // broker up: /health is 200 before the fault
    household(r, 'hh-1', 'g1', 'm-1');
    household(r, 'hh-2', 'g1', 'm-2');
    r.feed('m-1', T0, 100);
    r.feed('m-2', T0, 100);
    // The database may not grow (PRAGMA max_page_count, as tests/durability/storage-faults.test.ts does
    // without tmpfs): a large batch fails with SQLITE_FULL, a one-row write into a page with room still fits.
    const db = r.app.store.db;
    db.exec('CREATE TABLE filler (x BLOB)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    try {
      for (;;) db.prepare('INSERT INTO filler VALUES (randomblob(512))').run();
    } catch {
      /* full */
    }
    const batch = Array.from({ length: 2000 }, (_, k) => ({ meterId: 'm-1', ts: T0 + MIN + k * 1000, totalLiters: 100 + k / 1000, receivedAt: T0 + 40 * MIN }));
    r.clock.now = T0 + 40 * MIN;
    void r.app.monitor.onReadings(batch);
    await turns(5);
    const red = await r.api('GET', '/health');
    expect(red.status).toBe(503);
    expect(red.body.storage).toMatchObject({ state: 'failing', code: 'SQLITE_FULL' });
    const held = r.app.store.writes.pendingRows;
    expect(held).toBeGreaterThan(0);

    // Another meter reports a low battery: its alert is a small write, and it fits.
    r.app.monitor.onStatus({ meterId: 'm-2', ts: r.clock.now, receivedAt: r.clock.now, battery: 5 });
    expect(r.app.store.alerts.listActive().map((a) => a.type)).toContain('battery-low');

    // The readings are still not stored.
    expect(r.app.store.writes.pendingRows).toBe(held);
    const h = await r.api('GET', '/health');
    expect(h.body.pendingWrites).toBe(held);
    expect(h.body.storage).toMatchObject({ state: 'failing' }); // before the fix: "ok"
    expect(h.status).toBe(503); // before the fix: 200 "ok"
    expect(r.app.metrics.render()).toMatch(/^anxin_store_healthy 0$/m);
  });
});
