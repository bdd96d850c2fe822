// End to end over real TCP: mqtt.js meter → aedes (auth, ACL) → ingest → fake core.
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../src/broker/index.ts';
import { createIngest } from '../../src/ingest/index.ts';
import { connect, startTestBroker } from '../broker/harness.ts';
import { FakeSinks } from './fakes.ts';

const NOW = Date.UTC(2025, 5, 1, 12);
const MIN = 60_000;

describe('broker → ingest', () => {
  let sinks: FakeSinks;
  let broker: Broker;
  let client: MqttClient;

  beforeEach(async () => {
    sinks = new FakeSinks();
    const { handle } = createIngest(sinks);
    broker = await startTestBroker(handle, { clock: () => NOW });
    client = await connect(broker, 'm-001', 'tok-001');
  });
  afterEach(async () => {
    await client.endAsync(true);
    await broker.close();
  });

  it('dead-letters a malformed payload while the same client keeps publishing valid readings', async () => {
    let closed = false;
    client.on('close', () => (closed = true));

    await client.publishAsync('meters/m-001/reading', '{"ts": oops', { qos: 1 });
    await client.publishAsync('meters/m-001/reading', JSON.stringify({ ts: NOW - MIN, totalLiters: 7 }), { qos: 1 });
    await client.publishAsync('meters/m-001/batch', JSON.stringify({ readings: [{ ts: NOW, totalLiters: 'eight' }] }), { qos: 0 });
    await client.publishAsync('meters/m-001/reading', JSON.stringify({ ts: NOW, totalLiters: 8 }), { qos: 1 });
    await sinks.until(() => sinks.readings.length === 2 && sinks.dead.length === 2);

    expect(sinks.dead.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^invalid JSON: /),
      'readings.0.totalLiters: Invalid input: expected number, received string',
    ]);
    expect(sinks.dead[0]).toMatchObject({ meterId: 'm-001', topic: 'meters/m-001/reading', payload: '{"ts": oops', receivedAt: NOW });
    expect(sinks.readings.flat().map((r) => r.totalLiters)).toEqual([7, 8]);
    expect(closed).toBe(false);
    expect(client.connected).toBe(true);
    expect(broker.connectedCount()).toBe(1);
  });

  it('sorts a batch and drops the resent copy before the core', async () => {
    const payload = JSON.stringify({ readings: [{ ts: NOW - MIN, totalLiters: 2 }, { ts: NOW - 2 * MIN, totalLiters: 1 }] });
    await client.publishAsync('meters/m-001/batch', payload, { qos: 1 });
    await client.publishAsync('meters/m-001/batch', payload, { qos: 1 }); // the meter missed our PUBACK
    await client.publishAsync('meters/m-001/status', JSON.stringify({ ts: NOW, battery: 80 }), { qos: 1 });
    await sinks.until(() => sinks.statuses.length === 1);

    expect(sinks.readings.map((b) => b.map((r) => r.totalLiters))).toEqual([[1, 2]]);
    expect(sinks.counts).toMatchObject({ accepted: 3, duplicate: 2 });
  });

  it('drops readings of a meter without consent', async () => {
    sinks.consented.delete('m-001');
    await client.publishAsync('meters/m-001/reading', JSON.stringify({ ts: NOW, totalLiters: 1 }), { qos: 1 });
    await client.publishAsync('meters/m-001/reading', JSON.stringify({ ts: NOW, totalLiters: 2 }), { qos: 1 });
    // Nothing reaches a sink for dropped data; the counter is what we can wait on.
    await sinks.until(() => sinks.counts.rejected['no-consent'] === 2);
    expect(sinks.readings).toEqual([]);
    expect(sinks.dead).toEqual([]);
  });
});
