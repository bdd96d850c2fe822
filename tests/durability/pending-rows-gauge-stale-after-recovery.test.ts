// Regression (a bug hunt found it; fixed): after a storage fault recovers, anxin_store_pending_rows keeps showing the rows that
// were held (they are all committed, and /health says pendingWrites 0): the gauge is set in the
// fault listener, and the 'recovered' event fires before the committed batch leaves the queue,
// so it reads the old count; nothing sets it at scrape time (only a 15 s cron job, if jobs run).
// Cause: src/app.ts:105 (set from the fault event) with src/store/write-queue.ts:192-193
// (succeeded() before shift()); src/app.ts:111-119 (beforeRender does not refresh it).
// Correct: the gauge is read at scrape time, like the other pipeline gauges: 0 once committed.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { rig, household, T0, MIN, type Rig } from '../dashboard/helpers.ts';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('anxin_store_pending_rows', () => {
  it('is 0 on /metrics once the held rows are committed after a fault', async () => {
    r = await rig();
    household(r, 'hh-1', 'g1', 'm-1');
    r.feed('m-1', T0, 100);
    // Another connection holds the write lock (an operator's sqlite3 shell): SQLITE_BUSY.
    const other = new Database(r.app.config.dbPath);
    other.exec('BEGIN IMMEDIATE');
    r.clock.now = T0 + 5 * MIN;
    void r.app.monitor.onReadings([{ meterId: 'm-1', ts: T0 + 5 * MIN, totalLiters: 101, receivedAt: T0 + 5 * MIN }]);
    const done = r.app.store.writes.barrier();
    await expect.poll(() => r!.app.store.faults.current?.code).toMatch(/^SQLITE_BUSY/);
    other.exec('COMMIT');
    other.close();
    await done; // the write queue's own retry lands it
    expect(r.app.store.readings.recent('m-1', 1)[0]?.totalLiters).toBe(101);
    expect((await r.api('GET', '/health')).body.pendingWrites).toBe(0);
    const metrics = (await r.api('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/^anxin_store_healthy 1$/m);
    expect(metrics).toMatch(/^anxin_store_pending_rows 0$/m); // before the fix: 1
  });
});
