// What the user saw: after a crash (kill -9, OOM, power cut) Grafana's hourly usage chart had
// a hole for the hour whose readings had all arrived before it — no bar at all, although the
// readings were in SQLite and in InfluxDB's `reading` measurement — and the hours no longer
// added up to the day: which usage buckets were still to be written lived only in memory.
// The fix: at start the writer marks again, from the readings table, the buckets a crash may
// have left open (src/timeseries/writer.ts markRecentUsage); the usual rules then write them.
// README (Deployment, "What is written"): "an hour's or day's usage is written once data has
// moved past it (or usageGraceMinutes after it ended)", and a crash never loses an
// acknowledged reading — nor, here, the history derived from it.
// The crash is modelled by opening a second service on the same SQLite file without stopping
// the first (a stop would write the open buckets, which a crash does not).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { lineTags } from '../../src/timeseries/line-protocol.ts';
import { fakeInflux, lineTime, type FakeInflux } from './influx-fake.ts';

const MIN = 60_000;
const H10 = Date.parse('2026-03-02T10:00:00+08:00');

let apps: App[] = [];
let influx: FakeInflux | undefined;
let dir = '';
afterEach(async () => {
  for (const a of apps.splice(0).reverse()) await a.stop().catch(() => {});
  await influx?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  influx = undefined;
  dir = '';
});

it('writes the usage of an hour whose readings all arrived before a crash', async () => {
  influx = await fakeInflux();
  dir = mkdtempSync(join(tmpdir(), 'anxin-usage-crash-'));
  const now = { t: H10 };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    timeseries: { url: influx.url, token: 't', org: 'o', bucket: 'b', flushIntervalMs: 60_000, timeoutMs: 2000, usageGraceMinutes: 10 },
  });
  const boot = () => {
    const a = createApp(config, { clock: () => now.t, jobs: false });
    apps.push(a);
    return a;
  };
  const feed = async (a: App, ts: number, total: number) => {
    now.t = ts;
    a.monitor.onReadings([{ meterId: 'm1', ts, totalLiters: total, receivedAt: ts }]);
    a.store.writes.flushSync();
    await a.monitor.flush();
  };

  const first = boot();
  first.store.households.create({ id: 'h1', name: '住户', gridId: 'g1' }, H10);
  first.store.households.giveConsent('h1', { consentedBy: '本人', consentedAt: H10, scope: ['water-monitoring'] });
  first.store.meters.provision('m1', 'h1', H10);
  // A 15-minute meter: 10:00 … 10:45, 40 L used in the hour.
  for (let i = 0; i < 4; i++) await feed(first, H10 + i * 15 * MIN, 1000 + 10 * i + (i ? 10 : 0));
  await first.timeseries!.flush(); // the readings reached InfluxDB
  // 10:50: the process dies (no clean stop). 10:55: it is started again by its supervisor.
  now.t = H10 + 55 * MIN;
  const second = boot();
  for (let i = 4; i <= 12; i++) await feed(second, H10 + i * 15 * MIN, 1040);
  second.timeseries!.tick(now.t);
  await second.timeseries!.flush();

  const hourAt = (t: number) => influx!.lines.filter((l) => l.startsWith('usage,') && lineTags(l).get('period') === 'hour' && lineTime(l) === t);
  expect(hourAt(H10 + 60 * MIN).length).toBeGreaterThan(0); // 11:00 is written (its data moved past it at 12:00)
  const hour10 = hourAt(H10);
  expect(hour10.length).toBeGreaterThan(0); // Grafana's 10:00 bar
  expect(hour10.at(-1)).toMatch(/ liters=40 /); // …with the hour's full value
});
