// What the user saw: on Grafana's "household usage" dashboard a home that used no water in an
// hour showed 4,500 L (a meter swap: the register jumped 59,000 L in 45 min, capped at
// 100 L/min × 45 min), and its day was inflated by as much, while Anxin's own household page
// showed 0 L for the same hour.
// The fix: the usage Anxin writes to InfluxDB (src/store/timeseries.ts usageLiters) drops a
// register step faster than 100 L/min, as the dashboard's chart (src/store/readings.ts) does,
// instead of capping it.
// README ("Wire contract"): a jump faster than any domestic meter can turn (> 100 L/min) is bad
// register data (a data-fault), never use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { lineTags } from '../../src/timeseries/line-protocol.ts';
import { fakeInflux, lineTime, type FakeInflux } from './influx-fake.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-03-02T08:00:00+08:00');

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

it('writes the same hourly usage as the dashboard shows: an impossible jump is no use', async () => {
  influx = await fakeInflux();
  dir = mkdtempSync(join(tmpdir(), 'anxin-hunt-usage-jump-'));
  const now = { t: T0 - HOUR };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    timeseries: { url: influx.url, token: 't', org: 'o', bucket: 'b', flushIntervalMs: 60_000, timeoutMs: 2000 },
  });
  app = createApp(config, { clock: () => now.t, jobs: false });
  const s = app.store;
  s.households.create({ id: 'h1', name: '住户', gridId: 'g1' }, T0 - HOUR);
  s.households.giveConsent('h1', { consentedBy: '本人', consentedAt: T0 - HOUR, scope: ['water-monitoring'] });
  s.meters.provision('m1', 'h1', T0 - HOUR);
  // A 15-minute meter, register still at 1,000 L; at 08:30 the meter is swapped and reads 60,000 L
  // (dead-lettered as data-fault until it repeats, then adopted: stored from 09:00).
  const feed = (ts: number, total: number) => {
    now.t = ts;
    app!.monitor.onReadings([{ meterId: 'm1', ts, totalLiters: total, receivedAt: ts }]);
    s.writes.flushSync();
  };
  for (let t = T0 - HOUR; t <= T0 + 15 * MIN; t += 15 * MIN) feed(t, 1000);
  for (let t = T0 + 30 * MIN; t <= T0 + 2 * HOUR + 15 * MIN; t += 15 * MIN) feed(t, 60_000);
  await app.monitor.flush();
  await app.timeseries!.flush();

  const chart = await app.http.inject({ method: 'GET', url: '/api/households/h1/usage?range=24h' });
  expect(chart.statusCode).toBe(200);
  const shown = chart.json().buckets.find((b: { t: number }) => b.t === T0 + HOUR).liters;
  expect(shown).toBe(0); // Anxin's own chart: a data fault counts as nothing

  const hourPoint = influx.lines.find((l) => l.startsWith('usage,') && lineTags(l).get('period') === 'hour' && lineTime(l) === T0 + HOUR);
  expect(hourPoint).toBeDefined();
  const written = Number(/ liters=([-\d.e]+)/.exec(hourPoint!)![1]);
  expect(written).toBe(shown); // Grafana's hourly usage for 09:00 must say the same
});
