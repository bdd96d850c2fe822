// The whole service with history on: meters publish over real TCP (mqtt.js → embedded
// aedes) while the InfluxDB-compatible server (a real VictoriaMetrics) is stopped mid-stream
// and restarted. Alerts keep opening meanwhile, and afterwards every reading and alert event
// is in the server exactly once. Time is a manual clock; waits are bounded polls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import { until, vmAvailable, VictoriaMetrics } from './vm.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T00:00:00+08:00');
const METERS = ['m-a', 'm-b', 'm-c'];
const ROUNDS = 60;
const run = vmAvailable();

let vm: VictoriaMetrics;
let app: App;
let dir: string;
let now = T0;
let clients: MqttClient[] = [];
const tokens: string[] = [];

const configFor = () =>
  parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    timeseries: { url: vm.url, token: 'test-token', org: 'anxin', bucket: 'anxin', flushIntervalMs: 50, retryMs: 50, maxBackoffMs: 400, timeoutMs: 2000 },
  });

async function connectAll(mqttPort: number): Promise<MqttClient[]> {
  return Promise.all(METERS.map((m, i) => mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: m, password: tokens[i]!, protocolVersion: 4, reconnectPeriod: 0 })));
}

beforeAll(async () => {
  if (!run) return;
  vm = await VictoriaMetrics.start();
  dir = mkdtempSync(join(tmpdir(), 'anxin-ts-outage-'));
  app = createApp(configFor(), { clock: () => now, jobs: false });
  const { mqttPort } = await app.start();
  for (const [i, meterId] of METERS.entries()) {
    const hh = `h-${meterId.slice(2)}`;
    await app.http.inject({ method: 'POST', url: '/api/households', payload: { id: hh, name: `住户 ${i}`, gridId: `grid-${i % 2}` } });
    await app.http.inject({ method: 'POST', url: `/api/households/${hh}/consent`, payload: { consentedBy: '本人', scope: ['water-monitoring'] } });
    const res = await app.http.inject({ method: 'POST', url: '/api/meters', payload: { meterId, householdId: hh } });
    tokens.push(res.json().token);
  }
  clients = await connectAll(mqttPort);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
  await app?.stop();
  await vm?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tsOf = (round: number) => T0 + round * MIN;

describe.skipIf(!run)('history through an InfluxDB outage', () => {
  it('keeps ingesting and alerting while the server is down, then delivers every point exactly once', async () => {
    let stopping: Promise<void> | undefined;
    let restarting: Promise<void> | undefined;
    let spooledDuringOutage = 0;
    for (let round = 0; round < ROUNDS; round++) {
      now = tsOf(round) + 2000; // arrival, two seconds after the reading was taken
      if (round === 20) stopping = vm.stop(); // mid-stream: meters keep publishing while it shuts down
      if (round === 30) await stopping; // from here on it is certainly down
      if (round === 40) {
        await app.timeseries!.flush();
        spooledDuringOutage = app.timeseries!.spooled();
        restarting = vm.restart();
      }
      for (const [i, c] of clients.entries()) {
        // m-c's register runs backwards at round 30 (a data fault: an alert during the outage).
        const total = METERS[i] === 'm-c' && round === 30 ? 0 : 500 + round * 2;
        await c.publishAsync(`meters/${METERS[i]}/reading`, JSON.stringify({ ts: tsOf(round), totalLiters: total, flowLpm: 2 }), { qos: 1 });
      }
    }
    await restarting;
    // At least rounds 30–39 (less m-c's rejected reading), plus the alert event.
    expect(spooledDuringOutage).toBeGreaterThanOrEqual(10 * METERS.length);

    // The detector kept going during the outage: the fault was rejected and alerted, in SQLite.
    const alerts = (await app.http.inject({ method: 'GET', url: '/api/alerts?type=data-fault' })).json();
    expect(alerts.items.map((a: { meterId: string }) => a.meterId)).toEqual(['m-c']);
    const metricsText = (await app.http.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricsText).toMatch(/anxin_timeseries_write_errors_total\{class="network"\} [1-9]/);

    // An operator's acknowledgement is history too, with the time it took.
    now += 10 * MIN;
    expect((await app.http.inject({ method: 'POST', url: `/api/alerts/${alerts.items[0].id}/ack`, payload: { by: '网格员' } })).statusCode).toBe(200);
    await app.timeseries!.flush();
    await until('the spool to drain', async () => ((await app.timeseries!.drain(), app.timeseries!.spooled()) === 0 ? true : undefined), 30_000);
    const series = await until('every reading', async () => {
      const s = await vm.export('reading_total_liters');
      return s.reduce((n, x) => n + x.values.length, 0) >= ROUNDS * METERS.length - 1 ? s : undefined;
    });
    for (const meter of METERS) {
      const s = series.find((x) => x.metric.meter === meter)!;
      const expected = Array.from({ length: ROUNDS }, (_, r) => r).filter((r) => !(meter === 'm-c' && r === 30));
      expect(s.timestamps.length, `${meter}: each reading exactly once`).toBe(expected.length);
      const pairs = s.timestamps.map((t, k) => [t, s.values[k]] as const).sort((a, b) => a[0] - b[0]);
      expect(pairs).toEqual(expected.map((r) => [tsOf(r), 500 + r * 2]));
      expect(s.metric.household).toBe(`h-${meter.slice(2)}`);
    }
    const opened = await vm.export('alert_event_count{kind="opened",type="data-fault"}');
    expect(opened.map((s) => [s.metric.meter, s.metric.grid, s.timestamps])).toEqual([['m-c', 'grid-0', [tsOf(30) + 2000]]]);
    const ack = await vm.export('alert_event_ack_seconds{kind="acknowledged"}');
    expect(ack.map((s) => [s.metric.meter, s.values])).toEqual([['m-c', [(now - (tsOf(30) + 2000)) / 1000]]]);
    const rejected = await vm.export('ingest_rejected_count{reason="data-fault"}');
    expect(rejected[0]!.values).toEqual([1]);
    expect((await app.http.inject({ method: 'GET', url: '/metrics' })).body).toContain('anxin_timeseries_spool_points 0');
  }, 90_000);

  it('keeps unsent points across a restart of Anxin and sends them when both are back', async () => {
    await vm.stop();
    const from = ROUNDS + 10;
    for (let round = from; round < from + 10; round++) {
      now = tsOf(round) + 2000;
      for (const [i, c] of clients.entries()) await c.publishAsync(`meters/${METERS[i]}/reading`, JSON.stringify({ ts: tsOf(round), totalLiters: 700 + round }), { qos: 1 });
    }
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await app.stop(); // the writer's last batch fails and lands in SQLite, nothing stays in memory
    const file = openStore(join(dir, 'anxin.db'));
    expect(file.timeseries.count()).toBeGreaterThanOrEqual(10 * METERS.length);
    file.close();
    await vm.restart();
    app = createApp(configFor(), { clock: () => now, jobs: false });
    clients = await connectAll((await app.start()).mqttPort);
    await until('the spool left by the last run to drain', async () => (app.timeseries!.spooled() === 0 ? true : undefined), 30_000);
    for (const meter of METERS) {
      const s = (await vm.export(`reading_total_liters{meter="${meter}"}`))[0]!;
      const late = s.timestamps.filter((t) => t >= tsOf(from));
      expect([...late].sort((a, b) => a - b), meter).toEqual(Array.from({ length: 10 }, (_, k) => tsOf(from + k)));
    }
  }, 90_000);
});
