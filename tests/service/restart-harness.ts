// The real app on a SQLite file that survives a restart, on a manual clock, with one consented
// household h1 / meter m1 fed as ingest does (tests/service/handled-silence.test.ts and the
// restart tests beside it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseConfig, type ConfigInput } from '../../src/config.ts';
import { openStore, type DetectorSnapshotRow } from '../../src/store/index.ts';
import { MIN, T0 } from '../dashboard/helpers.ts';

/** The real app on a SQLite file that survives `restart()` (stop, which saves the detector's
 *  snapshot, then a fresh createApp on the same file), with one consented household h1 / m1. */
export function restartable(over: ConfigInput = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-held-'));
  const clock = { now: T0 };
  const config = parseConfig({ dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' }, ...over });
  const boot = () => createApp(config, { clock: () => clock.now, jobs: false });
  const h = { app: boot(), clock };
  const s = h.app.store;
  s.households.create({ id: 'h1', name: '住户 h1', gridId: 'g1' }, T0);
  s.households.giveConsent('h1', { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
  s.meters.provision('m1', 'h1', T0);
  return {
    clock,
    get app() {
      return h.app;
    },
    /** Readings every 15 min over [from, to] at a constant register. */
    feed(from: number, to: number, total: number) {
      for (let t = from; t <= to; t += 15 * MIN) {
        clock.now = t;
        h.app.monitor.onReadings([{ meterId: 'm1', ts: t, totalLiters: total, receivedAt: t }]);
        h.app.store.writes.flushSync();
      }
    },
    tick(at: number) {
      clock.now = at;
      h.app.monitor.tick(at);
    },
    async resolve(alertId: string) {
      const res = await h.app.http.inject({ method: 'POST', url: `/api/alerts/${alertId}/resolve`, payload: { by: '网格员 王', note: '电话联系，老人在家' } });
      expect(res.statusCode).toBe(200);
    },
    async restart(at: number) {
      await h.app.stop();
      clock.now = at;
      h.app = boot();
    },
    /** The newest snapshot rows now, as the periodic save would have written them. */
    snapshot(): DetectorSnapshotRow[] {
      h.app.monitor.saveState(clock.now);
      return h.app.store.detectorSnapshots.list();
    },
    /** A crash at `at`: the store keeps what was committed, but the detector's snapshot is the
     *  last periodic one (`rows`), not the save a clean stop makes. */
    async crash(at: number, rows: DetectorSnapshotRow[]) {
      await h.app.stop();
      const store = openStore(config.dbPath);
      store.detectorSnapshots.saveAll(rows);
      store.close();
      clock.now = at;
      h.app = boot();
    },
    async close() {
      await h.app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

