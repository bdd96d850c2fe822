// What the user saw: on Grafana's "household usage" dashboard a home that used no water in an
// hour showed 4,500 L (a meter swap: the register jumped 59,000 L in 45 min, capped at
// 100 L/min × 45 min), and its day was inflated by as much, while Anxin's own household page
// showed 0 L for the same hour.
// The fix: the usage Anxin writes to InfluxDB (src/store/timeseries.ts usageLiters) drops a
// register step faster than 100 L/min, as the dashboard's chart (src/store/readings.ts) does,
// instead of capping it.
// README ("Wire contract"): a jump faster than any domestic meter can turn (> 100 L/min) is bad
// register data (a data-fault), never use.
import { expect, it } from 'vitest';
import { lineTags } from '../../src/timeseries/line-protocol.ts';
import { fakeInflux, lineTime } from './influx-fake.ts';
import { consentingHomes, feed, influxApps } from './influx-app.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-03-02T08:00:00+08:00');

const apps = influxApps();

it('writes the same hourly usage as the dashboard shows: an impossible jump is no use', async () => {
  const influx = await fakeInflux();
  apps.afterStop(() => influx.close());
  const now = { t: T0 - HOUR };
  const app = apps.start(influx.url, now);
  consentingHomes(app.store, [['h1', 'm1']], T0 - HOUR);
  // A 15-minute meter, register still at 1,000 L; at 08:30 the meter is swapped and reads 60,000 L
  // (dead-lettered as data-fault until it repeats, then adopted: stored from 09:00).
  for (let t = T0 - HOUR; t <= T0 + 15 * MIN; t += 15 * MIN) feed(app, now, 'm1', t, 1000);
  for (let t = T0 + 30 * MIN; t <= T0 + 2 * HOUR + 15 * MIN; t += 15 * MIN) feed(app, now, 'm1', t, 60_000);
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
