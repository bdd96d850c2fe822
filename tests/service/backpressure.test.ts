// Admission control in the whole service (issue 12.3): the real app (SQLite file, group
// commit, detector) behind the real broker, a flooding meter and a quiet one over mqtt.js.
// With a small high-water mark the flood is paused while its readings wait for their commit,
// nothing acknowledged is missing from SQLite, the quiet meter's readings are kept too, and
// /metrics shows the depth, the pauses and the event-loop delay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startMeterApp, type MeterApp } from './meter-app.ts';

const now = Date.parse('2026-03-01T08:00:00Z');
const MIN = 60_000;
const FLOOD = 500;
let m: MeterApp;
let app: App;

beforeAll(async () => {
  m = await startMeterApp({
    now,
    meterIds: ['m-flood', 'm-quiet'],
    // The broker on the main thread: this test reads its depth and pauses the moment they change
    // (in a worker thread they reach the main thread within 50 ms; tests/broker/threaded.test.ts).
    mqtt: { thread: 'main' },
    limits: {
      backpressure: { highReadings: 20, lowReadings: 5 },
      // The per-meter budget would slow the flood by itself: opened up, so backpressure acts.
      mqtt: { publish: { ratePerSecond: 100_000, burst: 1_000_000 } },
    },
  });
  app = m.app;
});
afterAll(() => m?.stop());

const meter = (id: string) => m.connect(id);
const reading = (i: number, total: number) => JSON.stringify({ ts: now - (FLOOD + 10 - i) * MIN, totalLiters: total });

describe('backpressure in the service', () => {
  it('pauses a flood while its readings wait for their commit; every acknowledged reading is in SQLite; a quiet meter gets through', async () => {
    const flood = await meter('m-flood');
    const quiet = await meter('m-quiet');
    const floodAcks = Array.from({ length: FLOOD }, (_, i) => flood.publishAsync('meters/m-flood/reading', reading(i, 100 + i), { qos: 1 }));
    const quietAcks = [0, 1, 2].map((i) => quiet.publishAsync('meters/m-quiet/reading', reading(i * 100, 50 + i), { qos: 1 }));
    await Promise.all([...floodAcks, ...quietAcks]);

    // Acknowledged means stored: all of them, in order, nothing shed.
    expect(app.store.readings.between('m-flood', 0, now).map((r) => r.totalLiters)).toEqual(Array.from({ length: FLOOD }, (_, i) => 100 + i));
    expect(app.store.readings.between('m-quiet', 0, now).map((r) => r.totalLiters)).toEqual([50, 51, 52]);
    // The flood's first read alone (hundreds of readings) is over the mark of 20.
    expect(app.metrics.mqttSocketPauses.get({ reason: 'over-share' }) + app.metrics.mqttSocketPauses.get({ reason: 'ceiling' })).toBeGreaterThan(0);

    const body = (await app.http.inject({ method: 'GET', url: '/metrics' })).body;
    // All settled: nothing queued, nothing paused.
    // Both meters still connected: the gauge is read at the scrape (no longer set on every publish).
    for (const line of ['anxin_meters_connected 2', 'anxin_pipeline_queued_readings 0', 'anxin_pipeline_queued_bytes 0', 'anxin_mqtt_sockets_paused 0', '# TYPE anxin_mqtt_socket_pauses_total counter', '# TYPE anxin_event_loop_delay_seconds histogram', 'anxin_event_loop_delay_seconds_bucket{le="+Inf"}'])
      expect(body).toContain(line);
    expect(body).toMatch(/^anxin_mqtt_socket_pauses_total\{reason="over-share"\} \d+$/m);
    expect(app.broker()!.pipeline()).toMatchObject({ readings: 0, bytes: 0, pausedSockets: 0 });
  });

  it('/metrics shows readings waiting for their group commit as queue depth', async () => {
    const batch = [0, 1, 2].map((i) => ({ meterId: 'm-quiet', ts: now - (3 - i) * 1000, totalLiters: 60 + i, receivedAt: now }));
    app.monitor.onReadings(batch);
    // Processed synchronously; the commit comes in a later turn of the event loop.
    expect(app.metrics.render()).toContain('anxin_pipeline_queued_readings 3');
    await app.store.writes.barrier();
    await Promise.resolve();
    expect(app.metrics.render()).toContain('anxin_pipeline_queued_readings 0');
  });
});
