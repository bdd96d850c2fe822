// Broker limits against hostile peers (issue 11.1), each over real loopback TCP.
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Broker, type BrokerCounters, type MqttLimits } from '../../src/broker/index.ts';
import { FrameScanner } from '../../src/broker/frame-guard.ts';
import { Inbox, closedByBroker, connect, startTestBroker, closeAfterEach } from './harness.ts';
import { closed, connectPacket, rawSocket, remainingLength, streamUntilClosed } from './raw.ts';

const MB = 1024 * 1024;

function limits(over: Partial<Omit<MqttLimits, 'publish'>> & { publish?: Partial<MqttLimits['publish']> } = {}): MqttLimits {
  return { ...DEFAULT_LIMITS.mqtt, ...over, publish: { ...DEFAULT_LIMITS.mqtt.publish, ...over.publish } };
}

function countingCounters() {
  const seen: string[] = [];
  const counters: BrokerCounters = {
    socketRefused: (why) => seen.push(`socket:${why}`),
    packetTooLarge: (phase) => seen.push(`too-large:${phase}`),
    connectRefused: (why) => seen.push(`connect:${why}`),
    publishLimited: (action) => seen.push(`publish:${action}`),
  };
  return { seen, counters };
}

describe('broker limits', () => {
  let broker: Broker | undefined;
  const { clients, open } = closeAfterEach(() => broker, () => (broker = undefined));

  describe('packet size', () => {
    it('reads MQTT framing: remaining length up to four bytes, the first packet held to the CONNECT limit', () => {
      const s = new FrameScanner(1000, 100);
      expect(s.feed(Buffer.concat([Buffer.from([0x10]), remainingLength(100), Buffer.alloc(100)]))).toEqual({ ok: true });
      // split anywhere: a header byte, half a length, a body across chunks
      expect(s.feed(Buffer.from([0x30, 0xe8]))).toEqual({ ok: true });
      expect(s.feed(Buffer.from([0x07]))).toEqual({ ok: true }); // 1000
      expect(s.feed(Buffer.alloc(999))).toEqual({ ok: true });
      expect(s.feed(Buffer.concat([Buffer.alloc(1), Buffer.from([0xc0, 0x00])]))).toEqual({ ok: true }); // PINGREQ, length 0
      expect(s.feed(Buffer.concat([Buffer.from([0x30]), remainingLength(1001)]))).toMatchObject({ ok: false, reason: 'too-large', declared: 1001, type: 3 });
      expect(new FrameScanner(1000, 100).feed(Buffer.concat([Buffer.from([0x10]), remainingLength(101)]))).toMatchObject({ ok: false, reason: 'too-large' });
      expect(new FrameScanner(1000, 100).feed(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]))).toMatchObject({ ok: false, reason: 'malformed' });
    });

    it('cuts an unauthenticated socket whose CONNECT declares 256 MB, before buffering it', async () => {
      const { seen, counters } = countingCounters();
      broker = await startTestBroker(new Inbox().onPublish, { counters });
      const s = await rawSocket(broker.port);
      s.write(Buffer.concat([Buffer.from([0x10]), remainingLength(256 * MB - 1)]));
      // The probe in issue 11 streamed 128 MB per socket; here the server closes at once.
      const written = await streamUntilClosed(s, 128 * MB);
      expect(written).toBeLessThan(32 * MB); // only what loopback buffers hold in flight
      expect(seen).toEqual(['too-large:connect']);
      expect(broker.unauthenticatedCount()).toBe(0);
    });

    it('closes a meter that publishes more than maxPacketBytes and keeps a full-size batch', async () => {
      const inbox = new Inbox();
      const { seen, counters } = countingCounters();
      broker = await startTestBroker(inbox.onPublish, { counters, limits: limits({ maxPacketBytes: 256 * 1024 }) });
      const c = await open('m-001', 'tok-001');
      const batch = 'x'.repeat(250 * 1024);
      await c.publishAsync('meters/m-001/batch', batch, { qos: 1 });
      expect((await inbox.next()).payload.length).toBe(batch.length);
      const gone = closedByBroker(c);
      c.publish('meters/m-001/batch', 'x'.repeat(10 * MB), { qos: 1 });
      await gone;
      expect(inbox.all).toHaveLength(1);
      expect(seen).toEqual(['too-large:session']);
    });
  });

  it('holds a meter asking for keepalive 0 (or too long) to the maximum: a half-open socket is dropped', async () => {
    broker = await startTestBroker(new Inbox().onPublish, { limits: limits({ maxKeepaliveSeconds: 1 }) });
    for (const keepalive of [0, 3600]) {
      const s = await rawSocket(broker.port);
      s.write(connectPacket({ username: 'm-001', password: 'tok-001', keepalive, clientId: `ka-${keepalive}` }));
      const t0 = performance.now();
      await closed(s); // then silence: no PINGREQ, like a peer that lost its link
      const ms = performance.now() - t0;
      // [MQTT-3.1.2-24]: 1.5 × the (capped) keepalive; without the cap it would never close.
      expect(ms).toBeGreaterThan(1000);
      expect(ms).toBeLessThan(5000);
    }
  });

  it('caps sockets that have not authenticated; an authenticated meter no longer counts', async () => {
    const { seen, counters } = countingCounters();
    broker = await startTestBroker(new Inbox().onPublish, { counters, limits: limits({ maxUnauthenticated: 3 }) });
    const idle = await Promise.all([1, 2, 3].map(() => rawSocket(broker!.port)));
    const fourth = await rawSocket(broker.port);
    await closed(fourth);
    expect(seen).toEqual(['socket:unauthenticated-cap']);
    idle[0]!.destroy();
    await closed(idle[0]!);
    await expect.poll(() => broker!.unauthenticatedCount()).toBe(2);
    await open('m-001', 'tok-001'); // takes the free slot, then gives it back
    expect(broker.unauthenticatedCount()).toBe(2);
    await open('m-002', 'tok-002');
    expect(broker.connectedCount()).toBe(2);
    for (const s of idle) s.destroy();
  });

  it('caps connections per source address', async () => {
    const { seen, counters } = countingCounters();
    broker = await startTestBroker(new Inbox().onPublish, { counters, limits: limits({ maxConnectionsPerAddress: 2 }) });
    await open('m-001', 'tok-001');
    await open('m-002', 'tok-002');
    const third = await rawSocket(broker.port);
    await closed(third);
    expect(seen).toEqual(['socket:address-cap']);
    await clients.pop()!.endAsync(true);
    await expect.poll(async () => (await connect(broker!, 'm-002', 'tok-002').then((c) => (clients.push(c), true), () => false))).toBe(true);
  });

  describe('publish budget per meter', () => {
    it('disconnects a meter far over its budget, counts it, and the other meter keeps publishing', async () => {
      const inbox = new Inbox();
      const { seen, counters } = countingCounters();
      const now = { ms: 0 };
      broker = await startTestBroker(inbox.onPublish, {
        counters,
        monotonic: () => now.ms,
        limits: limits({ publish: { burst: 3, ratePerSecond: 1, maxDelayMs: 100 } }),
      });
      const flood = await open('m-001', 'tok-001');
      const other = await open('m-002', 'tok-002');
      for (let i = 0; i < 3; i++) await flood.publishAsync('meters/m-001/reading', `{"n":${i}}`, { qos: 1 });
      const gone = closedByBroker(flood);
      flood.publish('meters/m-001/reading', '{"n":3}', { qos: 1 }); // the 4th needs 1 s of refill > 100 ms
      await gone;
      for (let i = 0; i < 3; i++) await other.publishAsync('meters/m-002/reading', `{"n":${i}}`, { qos: 1 });
      expect(inbox.all.map((r) => r.meterId)).toEqual(['m-001', 'm-001', 'm-001', 'm-002', 'm-002', 'm-002']);
      expect(seen).toEqual(['publish:disconnected']);
      // The budget refills with time: after 1 s the meter may publish again.
      now.ms += 1000;
      const back = await open('m-001', 'tok-001');
      await back.publishAsync('meters/m-001/reading', '{"n":4}', { qos: 1 });
      expect(inbox.all).toHaveLength(7);
    });

    it('slows a meter slightly over its budget instead of dropping it', async () => {
      const inbox = new Inbox();
      const { seen, counters } = countingCounters();
      const now = { ms: 0 };
      broker = await startTestBroker(inbox.onPublish, {
        counters,
        monotonic: () => now.ms,
        limits: limits({ publish: { burst: 1, ratePerSecond: 50, maxDelayMs: 1000 } }),
      });
      const c = await open('m-001', 'tok-001');
      await c.publishAsync('meters/m-001/reading', '{"n":0}', { qos: 1 });
      await c.publishAsync('meters/m-001/reading', '{"n":1}', { qos: 1 }); // waits 20 ms, then goes through
      expect(inbox.all).toHaveLength(2);
      expect(c.connected).toBe(true);
      expect(seen).toEqual(['publish:delayed']);
    });

    it('budgets payload bytes too', async () => {
      const inbox = new Inbox();
      const { seen, counters } = countingCounters();
      broker = await startTestBroker(inbox.onPublish, {
        counters,
        monotonic: () => 0,
        limits: limits({ publish: { burstBytes: 4096, bytesPerSecond: 1024, maxDelayMs: 100 } }),
      });
      const c = await open('m-001', 'tok-001');
      await c.publishAsync('meters/m-001/batch', 'x'.repeat(4000), { qos: 1 });
      const gone = closedByBroker(c);
      c.publish('meters/m-001/batch', 'x'.repeat(4000), { qos: 1 });
      await gone;
      expect(seen).toEqual(['publish:disconnected']);
      expect(inbox.all).toHaveLength(1);
    });
  });
});
