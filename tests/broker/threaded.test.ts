// mqtt.thread (src/broker/threaded.ts): the same service with its broker in a worker thread (the
// default) and on the main thread. The real app (SQLite file, group commit, detector) behind it, meters over mqtt.js:
// a QoS 1 reading is acknowledged only once it is in SQLite, tokens are checked by the main
// thread's store, a disconnect from the main thread closes the meter's session, and the
// figures the main thread reads (connected meters) come from the worker.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { startMeterApp, type MeterApp } from '../service/meter-app.ts';

const now = Date.parse('2026-03-01T08:00:00Z');
const MIN = 60_000;

describe.each(['worker', 'main'] as const)('mqtt.thread = %s', (thread) => {
  let m: MeterApp;
  let app: App;
  let clients: MqttClient[];

  beforeAll(async () => {
    m = await startMeterApp({
      now,
      meterIds: ['m-001', 'm-002'],
      mqtt: { thread },
      limits: {
        backpressure: { highReadings: 20, lowReadings: 5 },
        mqtt: { publish: { ratePerSecond: 100_000, burst: 1_000_000 } },
      },
    });
    ({ app, clients } = m);
  });
  afterAll(() => m?.stop());

  const connect = (id: string, password?: string) => m.connect(id, password);

  describe(`the broker (mqtt.thread = ${thread})`, () => {
    it('acknowledges a QoS 1 reading only once it is stored, and counts the meter as connected', async () => {
      const c = await connect('m-001');
      for (let i = 0; i < 20; i++) {
        await c.publishAsync('meters/m-001/reading', JSON.stringify({ ts: now - (30 - i) * MIN, totalLiters: 100 + i }), { qos: 1 });
        // Acknowledged means stored: the reading is in SQLite when the PUBACK arrives.
        expect(app.store.readings.between('m-001', 0, now).map((r) => r.totalLiters).at(-1)).toBe(100 + i);
      }
      await expect.poll(() => app.broker()!.connectedCount()).toBe(1);
      const metrics = async () => (await app.http.inject({ method: 'GET', url: '/metrics' })).body;
      await expect.poll(metrics).toContain('anxin_meters_connected 1');
      // Settled: nothing left in the pipeline (in a worker, within its 50 ms refresh).
      await expect.poll(metrics).toContain('anxin_pipeline_queued_readings 0');
      await expect.poll(() => app.broker()!.pipeline()).toMatchObject({ readings: 0, bytes: 0, pausedSockets: 0 });
    });

    it('pauses a flood over the high-water mark, and every acknowledged reading is in SQLite', async () => {
      const c = clients.find((x) => x.options.username === 'm-001' && x.connected)!;
      const before = app.store.readings.between('m-001', 0, now).length;
      const acks = Array.from({ length: 300 }, (_, i) => c.publishAsync('meters/m-001/reading', JSON.stringify({ ts: now - (400 - i) * 1000, totalLiters: 200 + i }), { qos: 1 }));
      await Promise.all(acks);
      expect(app.store.readings.between('m-001', 0, now).length).toBe(before + 300);
      const pauses = () => app.metrics.mqttSocketPauses.get({ reason: 'over-share' }) + app.metrics.mqttSocketPauses.get({ reason: 'ceiling' });
      await expect.poll(pauses).toBeGreaterThan(0);
    });

    it("refuses a wrong token (the main thread's store decides) and serves the right one", async () => {
      await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${m.mqttPort}`, { username: 'm-002', password: 'not-the-token', protocolVersion: 4, reconnectPeriod: 0 })).rejects.toMatchObject({ code: 4 });
      const c = await connect('m-002');
      await c.publishAsync('meters/m-002/reading', JSON.stringify({ ts: now - MIN, totalLiters: 7 }), { qos: 1 });
      expect(app.store.readings.between('m-002', 0, now).map((r) => r.totalLiters)).toEqual([7]);
    });

    it("closes a meter's session when the main thread disconnects it", async () => {
      const c = clients.find((x) => x.options.username === 'm-002' && x.connected)!;
      const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
      app.broker()!.disconnectMeter('m-002');
      await closed;
      expect(c.connected).toBe(false);
    });
  });
});

describe('mqtt.thread = worker, beside the one-thread broker', () => {
  it('is the default, and says plainly that its aedes instance lives in the worker', async () => {
    expect(parseConfig({}).mqtt.thread).toBe('worker');
    const m = await startMeterApp({ now, meterIds: [] }); // the default config
    try {
      expect(() => m.app.broker()!.aedes).toThrow(/worker thread/);
    } finally {
      await m.stop();
    }
  });
});
