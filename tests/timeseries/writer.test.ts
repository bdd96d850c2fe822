// The writer through the real @influxdata/influxdb-client to a real VictoriaMetrics
// (/api/v2/write), read back through /api/v1/export: values, tags and timestamps.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createMetrics } from '../../src/observability/metrics.ts';
import { parseConfig } from '../../src/config.ts';
import { createTimeseriesWriter } from '../../src/timeseries/writer.ts';
import { MEASUREMENTS } from '../../src/timeseries/schema.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, makeAlert, seedHousehold, T0, tempStore } from '../store/temp-store.ts';
import { until, vmAvailable, VictoriaMetrics } from './vm.ts';

const MIN = 60_000;
const run = vmAvailable();
let vm: VictoriaMetrics;

beforeAll(async () => {
  if (run) vm = await VictoriaMetrics.start();
});
afterAll(async () => vm?.dispose());
const writers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  // Before temp-store's cleanup closes the database (vitest runs afterEach hooks in reverse).
  await Promise.all(writers.splice(0).map((w) => w.close()));
});

function setup(over: Record<string, unknown> = {}) {
  const { store } = tempStore();
  seedHousehold(store, 'hh-1', 'm-1');
  const metrics = createMetrics();
  const clock = { now: T0 };
  const config = parseConfig({ timeseries: { url: vm.url, token: 'test-token', org: 'anxin', bucket: 'anxin', flushIntervalMs: 20, retryMs: 20, maxBackoffMs: 200, ...over } }).timeseries;
  const writer = createTimeseriesWriter({ config, store, metrics, clock: () => clock.now, logger: pino({ level: 'silent' }), utcOffsetMinutes: 480 });
  writers.push(writer);
  return { store, metrics, clock, writer };
}

const readingsFrom = (start: number, n: number, meterId = 'm-1', base = 100): Reading[] =>
  Array.from({ length: n }, (_, k) => ({ meterId, ts: start + k * 15 * MIN, totalLiters: base + 10 * k, receivedAt: start + k * 15 * MIN, flowLpm: 0.5 + k, battery: 90 }));

describe.skipIf(!run)('time-series writer → VictoriaMetrics', () => {
  it('writes readings, usage, alert events and rejections with their values, tags and timestamps', async () => {
    const { store, clock, writer } = setup();
    // T0 = 16:00 local (UTC+8): nine readings 15 min apart, 16:00 … 18:00 local.
    const rs = readingsFrom(T0, 9);
    store.readings.addMany(rs);
    writer.readings(rs);
    writer.alertEvent({ kind: 'opened', alert: makeAlert({ openedAt: T0 + HOUR }) });
    writer.alertEvent({ kind: 'acknowledged', alert: makeAlert({ openedAt: T0 + HOUR, status: 'acknowledged', acknowledgedAt: T0 + 1.5 * HOUR, acknowledgedBy: '网格员' }) });
    clock.now = T0 + 2 * HOUR;
    writer.rejected('invalid-payload', 3);
    // The local day ends at 00:00 local = T0 + 8 h; 10 minutes' grace later it is written.
    clock.now = T0 + 8 * HOUR + 10 * MIN;
    writer.tick();
    await writer.flush();

    const R = MEASUREMENTS.reading.name;
    const totals = await until('readings', async () => {
      const s = await vm.export(`${R}_total_liters`);
      return s[0]?.values.length === 9 ? s : undefined;
    });
    expect(totals).toHaveLength(1);
    expect(totals[0]!.metric).toEqual({ __name__: `${R}_total_liters`, meter: 'm-1', household: 'hh-1', grid: 'grid-7' });
    expect(totals[0]!.timestamps).toEqual(rs.map((r) => r.ts));
    expect(totals[0]!.values).toEqual(rs.map((r) => r.totalLiters));
    const flow = await vm.export(`${R}_flow_lpm`);
    expect(flow[0]!.values).toEqual(rs.map((r) => r.flowLpm));
    expect((await vm.export(`${R}_battery`))[0]!.values).toEqual(rs.map(() => 90));

    // Hour 16:00 local: three 10 L steps after the first reading; 17:00: four; the day: eight.
    const usage = await vm.export('usage_liters');
    const byPeriod = Object.fromEntries(usage.map((s) => [s.metric.period, s]));
    expect(byPeriod.hour!.metric).toMatchObject({ household: 'hh-1', grid: 'grid-7' });
    // Hour 18:00 local holds the last reading (one step), written with the day's end.
    expect(byPeriod.hour!.timestamps).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
    expect(byPeriod.hour!.values).toEqual([30, 40, 10]);
    expect(byPeriod.day!.timestamps).toEqual([T0 - 16 * HOUR]);
    expect(byPeriod.day!.values).toEqual([80]);

    const events = await vm.export('alert_event_count');
    expect(events.map((s) => [s.metric.kind, s.metric.type, s.metric.grid, s.metric.household, s.metric.meter, s.timestamps]).sort()).toEqual([
      ['acknowledged', 'no-usage', 'grid-7', 'hh-1', 'm-1', [T0 + 1.5 * HOUR]],
      ['opened', 'no-usage', 'grid-7', 'hh-1', 'm-1', [T0 + HOUR]],
    ]);
    expect((await vm.export('alert_event_ack_seconds'))[0]!.values).toEqual([1800]);
    const rejected = await vm.export('ingest_rejected_count');
    expect(rejected[0]!.metric.reason).toBe('invalid-payload');
    expect(rejected[0]!.values).toEqual([3]);
    expect(rejected[0]!.timestamps).toEqual([T0 + 2 * HOUR]);
    await writer.close();
  });

  it('spools what the server could not take and drains it once, in order, when it returns', async () => {
    const { store, metrics, clock, writer } = setup();
    const B = T0 + 30 * 24 * HOUR; // clear of the first test's points in the shared server
    clock.now = B;
    const before = readingsFrom(B, 4, 'm-1', 1000);
    writer.readings(before);
    await writer.flush();
    const since = async () => (await vm.export('reading_total_liters{meter="m-1"}'))[0]?.timestamps.filter((t) => t >= B).length ?? 0;
    await until('first readings', async () => ((await since()) === 4 ? true : undefined));

    await vm.stop();
    const during = readingsFrom(B + 4 * 15 * MIN, 40, 'm-1', 1040);
    writer.readings(during);
    writer.alertEvent({ kind: 'opened', alert: makeAlert({ id: 'al-outage', type: 'surge', openedAt: B + 5 * HOUR }) });
    await writer.flush();
    // 40 readings, the alert event, and the usage buckets the readings closed; oldest first.
    const spooled = store.timeseries.head(10_000).map((r) => r.line.split(',')[0]);
    expect(spooled.filter((m) => m === 'reading')).toHaveLength(40);
    expect(spooled.filter((m) => m === 'alert_event')).toHaveLength(1);
    expect(spooled[0]).toBe('reading');
    const n = spooled.length;
    expect(writer.spooled()).toBe(n);
    expect(metrics.timeseriesWriteErrors.get({ class: 'network' })).toBeGreaterThan(0);
    clock.now += 90_000;
    const text = metrics.render();
    expect(text).toContain(`anxin_timeseries_spool_points ${n}`);
    expect(text).toContain('anxin_timeseries_spool_oldest_age_seconds 90');
    expect(text).toMatch(/anxin_timeseries_write_errors_total\{class="network"\} [1-9]/);

    await vm.restart();
    await until('the spool to drain', async () => ((await writer.drain(), writer.spooled()) === 0 ? true : undefined));
    const series = (await vm.export('reading_total_liters{meter="m-1"}')).map((x) => ({ ...x, timestamps: x.timestamps.filter((t) => t >= B) }));
    const all = [...before, ...during];
    const ts = series[0]!.timestamps;
    expect(ts.length).toBe(before.length + during.length);
    expect(new Set(ts).size).toBe(ts.length); // exactly once
    expect([...ts].sort((a, b) => a - b)).toEqual(all.map((r) => r.ts));
    const alerts = await vm.export('alert_event_count{type="surge"}');
    expect(alerts[0]!.timestamps).toEqual([B + 5 * HOUR]);
    expect(metrics.render()).toContain('anxin_timeseries_spool_points 0');
    await writer.close();
  });
});
