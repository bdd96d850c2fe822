import net from 'node:net';
import { once } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mayPublish, startBroker, type Broker } from '../../src/broker/index.ts';
import { parseTopic } from '../../src/domain/wire.ts';
import { Inbox, closedByBroker, connect, mapAuthenticator, startTestBroker, METERS } from './harness.ts';

describe('mayPublish', () => {
  it.each([
    ['meters/m-001/reading', true],
    ['meters/m-001/batch', true],
    ['meters/m-001/status', true],
    ['meters/m-002/reading', false], // another meter's topic
    ['meters/m-001/config', false], // unknown kind
    ['meters/m-001/reading/x', false],
    ['meters/m-001', false],
    ['$SYS/broker/uptime', false],
    ['$share/meters/m-001/reading', false],
    ['alerts/m-001', false],
    ['', false],
  ])('m-001 → %j: %s', (topic, allowed) => {
    expect(mayPublish('m-001', topic)).toBe(allowed);
  });

  it("agrees with parseTopic's verdict (the split-based rule it replaced) on near-miss topics", () => {
    const ids = ['m-001', 'm-0011', 'm-00', 'M-001', '-bad', 'a'.repeat(64), 'a'.repeat(65), 'm_1', 'm.1', ''];
    const topics = ids.flatMap((id) => ['reading', 'batch', 'status', 'readings', 'read', ''].flatMap((k) => [`meters/${id}/${k}`, `meters/${id}/${k}/`, `meters//${id}/${k}`, `Meters/${id}/${k}`, `$meters/${id}/${k}`]));
    let n = 0;
    for (const id of ids)
      for (const t of topics) {
        const old = !t.startsWith('$') && parseTopic(t)?.meterId === id;
        expect(mayPublish(id, t), `${id} → ${t}`).toBe(old);
        n++;
      }
    expect(n).toBe(ids.length * topics.length);
  });
});

describe('broker ACL over TCP', () => {
  let broker: Broker;
  let inbox: Inbox;
  let client: MqttClient;

  beforeEach(async () => {
    inbox = new Inbox();
    broker = await startTestBroker(inbox.onPublish);
    client = await connect(broker, 'm-001', 'tok-001');
  });
  afterEach(async () => {
    await client.endAsync(true);
    await broker.close();
  });

  it.each([
    ["another meter's topic", 'meters/m-002/reading'],
    ['a $SYS topic', '$SYS/fake/heartbeat'],
    ['an unknown topic', 'meters/m-001/firmware'],
  ])('closes the connection on a publish to %s and never calls onPublish', async (_case, topic) => {
    client.publish(topic, '{"ts":1,"totalLiters":1}', { qos: 0 });
    await closedByBroker(client);
    // authorizePublish refused before aedes' publish pipeline ran, so there is nothing in flight.
    expect(inbox.all).toEqual([]);
  });

  it('refuses every subscription with SUBACK 0x80 and keeps the connection', async () => {
    const refused = { packet: { cmd: 'suback', granted: [0x80] } };
    await expect(client.subscribeAsync('meters/m-001/reading', { qos: 1 })).rejects.toMatchObject(refused);
    await expect(client.subscribeAsync('#', { qos: 0 })).rejects.toMatchObject(refused);
    await client.publishAsync('meters/m-001/status', '{"ts":1}', { qos: 1 });
    expect((await inbox.next()).topic).toBe('meters/m-001/status');
    expect(client.connected).toBe(true);
  });

  it('does not hand broker-internal $SYS publishes to onPublish', async () => {
    await new Promise<void>((resolve, reject) =>
      broker.aedes.publish({ cmd: 'publish', topic: '$SYS/x/test', payload: Buffer.from('x'), qos: 0, retain: false, dup: false }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    await client.publishAsync('meters/m-001/status', '{}', { qos: 1 });
    expect((await inbox.next()).topic).toBe('meters/m-001/status');
    expect(inbox.all).toHaveLength(1);
  });

  it('completes every QoS handshake for a meter publish and ingests each message once (meter publishes are not routed)', async () => {
    // QoS 2: PUBREC, PUBREL, PUBCOMP; the skipped routing must still let each flow finish.
    for (const qos of [0, 1, 2] as const) await client.publishAsync('meters/m-001/reading', `{"ts":${qos + 1},"totalLiters":1}`, { qos });
    await client.publishAsync('meters/m-001/status', '{}', { qos: 1 }); // after the QoS 0 one too
    expect(inbox.all.map((m) => m.payload)).toEqual(['{"ts":1,"totalLiters":1}', '{"ts":2,"totalLiters":1}', '{"ts":3,"totalLiters":1}', '{}']);
    expect(client.connected).toBe(true);
  });

  it('keeps the meter connected when onPublish throws', async () => {
    await broker.close();
    let calls = 0;
    const ok = new Inbox();
    broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      auth: mapAuthenticator(METERS),
      onPublish: (...args) => {
        if (++calls === 1) throw new Error('bug downstream');
        ok.onPublish(...args);
      },
    });
    client = await connect(broker, 'm-001', 'tok-001');
    await client.publishAsync('meters/m-001/reading', 'first', { qos: 1 });
    await client.publishAsync('meters/m-001/reading', 'second', { qos: 1 });
    expect((await ok.next()).payload).toBe('second');
    expect(client.connected).toBe(true);
  });
});

describe('broker lifecycle', () => {
  it('reports the ephemeral port and closes even with a socket that never sent CONNECT', async () => {
    const broker = await startTestBroker(() => {});
    expect(broker.port).toBeGreaterThan(0);
    const raw = net.connect(broker.port, '127.0.0.1');
    await once(raw, 'connect');
    const rawClosed = once(raw, 'close');
    await broker.close();
    await rawClosed;
    await broker.close(); // idempotent
  });
});

describe('last-will messages go through the same ACL', () => {
  it.each([
    ['its own status topic', 'meters/m-001/status', true],
    ["another meter's topic", 'meters/m-002/status', false],
  ])('a will on %s is delivered: %s', async (_case, topic, delivered) => {
    const inbox = new Inbox();
    const broker = await startTestBroker(inbox.onPublish);
    try {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
        username: 'm-001',
        password: 'tok-001',
        protocolVersion: 4,
        reconnectPeriod: 0,
        will: { topic, payload: Buffer.from('{"ts":1}'), qos: 0, retain: false },
      });
      const gone = once(broker.aedes, 'clientDisconnect');
      client.stream.destroy(); // no DISCONNECT packet, so the will fires [MQTT-3.1.2-8]
      if (delivered) {
        expect((await inbox.next()).topic).toBe(topic);
      } else {
        // Our authorizePublish answers synchronously, before aedes unregisters the client.
        await gone;
        expect(inbox.all).toEqual([]);
      }
    } finally {
      await broker.close();
    }
  });
});
