// What the user saw: an admin withdrew a household's consent (erasure after a grace period,
// security.erasureGraceDays 30); the readings Anxin had buffered in the last second, and the
// "resolved" event of the alert the withdrawal closed, were written to InfluxDB afterwards and
// stayed there, visible in Grafana, for the whole grace period.
// The fix: the writer keeps its own buffer (src/timeseries/writer.ts), from which
// forgetHousehold takes the household's points not yet sent; the withdrawal's own resolve is
// not written at all (src/app.ts onOperatorChange).
// README (Security, "PIPL data lifecycle"): "its points not yet sent to InfluxDB (spool and
// writer memory) are dropped" at the withdrawal — processing stops at once (PIPL Art. 15).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { lineTags } from '../../src/timeseries/line-protocol.ts';
import { T0 } from '../dashboard/helpers.ts';
import { makeAlert } from '../store/temp-store.ts';
import { fakeInflux, type FakeInflux } from '../timeseries/influx-fake.ts';

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

it('sends none of a withdrawn household’s buffered points to InfluxDB (grace period before erasure)', async () => {
  influx = await fakeInflux();
  dir = mkdtempSync(join(tmpdir(), 'anxin-withdraw-buffered-'));
  const now = { t: T0 };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    security: { erasureGraceDays: 30 },
    // No flush by the clock during the test: the points wait in the writer's memory.
    timeseries: { url: influx.url, token: 't', org: 'o', bucket: 'b', flushIntervalMs: 60_000, timeoutMs: 2000 },
  });
  app = createApp(config, { clock: () => now.t, jobs: false });
  const s = app.store;
  for (const [h, m] of [['h1', 'm1'], ['h2', 'm2']] as const) {
    s.households.create({ id: h, name: `住户 ${h}`, gridId: 'g1' }, T0);
    s.households.giveConsent(h, { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
    s.meters.provision(m, h, T0);
  }
  for (let i = 0; i < 3; i++)
    for (const m of ['m1', 'm2']) {
      now.t = T0 + i * 60_000;
      app.monitor.onReadings([{ meterId: m, ts: now.t, totalLiters: 100 + i, receivedAt: now.t }]);
      s.writes.flushSync();
    }
  await app.monitor.flush();
  s.alerts.insert(makeAlert({ id: 'al-1', meterId: 'm1', openedAt: now.t })); // closed by the withdrawal
  expect(influx.received).toEqual([]); // still in the writer's memory

  const res = await app.http.inject({ method: 'POST', url: '/api/households/h1/consent/withdraw', payload: {} });
  expect(res.statusCode).toBe(200);
  expect(res.json().erased).toBeUndefined(); // erasure waits out the grace period
  expect(res.json().closedAlerts).toEqual(['al-1']);

  await app.timeseries!.flush();
  const of = (h: string, m: string) => influx!.received.filter((l) => { const t = lineTags(l); return t.get('household') === h || t.get('meter') === m; });
  expect(of('h2', 'm2').length).toBeGreaterThan(0); // the other household's history goes on
  expect(of('h1', 'm1')).toEqual([]); // nothing of the withdrawn one is sent after the withdrawal
});
