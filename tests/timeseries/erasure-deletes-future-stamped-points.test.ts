// What the user saw: after DELETE /api/households/:id (or a consent withdrawal) the household's
// last readings were still in InfluxDB and on Grafana's household dashboard, while ts_erasures
// was empty and anxin_timeseries_erasures_total{outcome="deleted"} said it was done: they were
// stamped a little ahead of the service clock (a meter clock running 90 s fast, which ingest
// and the detector accept), and the InfluxDB delete stopped at "now".
// The fix: the delete's stop is two days past the time of sending (src/timeseries/erase.ts
// DELETE_AHEAD_MS), beyond ingest's one-day future limit.
// README (Security, "PIPL data lifecycle"): "Points InfluxDB already holds are deleted too"
// (PIPL Art. 47).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { lineTags } from '../../src/timeseries/line-protocol.ts';
import { T0 } from '../dashboard/helpers.ts';
import { fakeInflux, type FakeInflux } from './influx-fake.ts';

let app: App | undefined;
let influx: FakeInflux | undefined;
let dir = '';
afterEach(async () => {
  await app?.stop();
  await influx?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = undefined;
  influx = undefined;
  dir = '';
});

it('deletes every point of the erased household, including those stamped a minute ahead', async () => {
  influx = await fakeInflux();
  dir = mkdtempSync(join(tmpdir(), 'anxin-erase-future-'));
  const now = { t: T0 };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    security: { erasureGraceDays: 0 },
    timeseries: { url: influx.url, token: 't', org: 'o', bucket: 'b', flushIntervalMs: 60_000, timeoutMs: 2000 },
  });
  app = createApp(config, { clock: () => now.t, jobs: false });
  const s = app.store;
  s.households.create({ id: 'h1', name: '住户', gridId: 'g1' }, T0);
  s.households.giveConsent('h1', { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
  s.meters.provision('m1', 'h1', T0);
  // A meter whose clock runs 90 s fast (below clock.correctAboveMs, 2 min: not even corrected).
  for (let i = 0; i < 5; i++) {
    now.t = T0 + i * 60_000;
    app.monitor.onReadings([{ meterId: 'm1', ts: now.t + 90_000, totalLiters: 100 + i, receivedAt: now.t }]);
    s.writes.flushSync();
  }
  await app.monitor.flush();
  await app.timeseries!.flush();
  const held = () => influx!.lines.filter((l) => lineTags(l).get('household') === 'h1');
  expect(held().filter((l) => l.startsWith('reading,')).length).toBe(5); // accepted and written

  const del = await app.http.inject({ method: 'DELETE', url: '/api/households/h1' });
  expect(del.statusCode).toBe(200);
  await app.timeseries!.sendErasures();
  await app.timeseries!.erasuresSettled();
  expect(influx.deletes.length).toBeGreaterThan(0);
  expect(app.store.tsErasures.count()).toBe(0); // Anxin believes the deletion is complete
  expect(held()).toEqual([]); // …so nothing of the household may remain in InfluxDB
});
