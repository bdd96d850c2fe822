// The fleet against a real aedes broker over TCP, driven by a manual clock: no wall-time sleeps,
// only waits for the network to deliver what the clock released.
import { once } from 'node:events';
import net from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchPayload, ReadingPayload, StatusPayload } from '../../src/domain/wire.ts';
import { ManualScheduler } from '../../device-sim/clock.ts';
import type { FleetMeter } from '../../device-sim/fleet-config.ts';
import { startFleet } from '../../device-sim/mqtt-fleet.ts';
import { publishTrace } from '../../device-sim/publish-trace.ts';
import { FROM, DAY, HOUR } from './helpers.ts';

interface Received {
  topic: string;
  payload: string;
  username: string;
  qos: number;
}

const METERS: FleetMeter[] = [
  { meterId: 'm-001', token: 'tok-one', profile: 'early-bird', cadence: '1min' },
  { meterId: 'm-002', token: 'tok-two', profile: 'couple', cadence: '15min' },
  { meterId: 'm-003', token: 'tok-three', profile: 'irregular', cadence: 'hourly-batch' },
];
const TOKENS = new Map(METERS.map((m) => [m.meterId, m.token]));

let broker: Aedes;
let server: net.Server;
let url: string;
const received: Received[] = [];
const usernames = new WeakMap<object, string>();

beforeAll(async () => {
  broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      if (username && TOKENS.get(username) === password?.toString()) {
        usernames.set(client, username);
        return done(null, true);
      }
      const err = new Error('bad username or password') as AuthenticateError;
      err.returnCode = 4 as AuthenticateError['returnCode'];
      done(err, false);
    },
  });
  broker.on('publish', (packet, client) => {
    if (client) received.push({ topic: packet.topic, payload: packet.payload.toString(), username: usernames.get(client) ?? '?', qos: packet.qos });
  });
  server = net.createServer(broker.handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const onTopic = (suffix: string, username?: string) => received.filter((r) => r.topic.endsWith(suffix) && (!username || r.username === username));

describe('startFleet on a real broker', () => {
  it('connects each meter with its credentials and publishes its cadence on its own topics, QoS 1', async () => {
    received.length = 0;
    const scheduler = new ManualScheduler(1_000_000);
    const startAt = FROM + 20 * DAY;
    const fleet = await startFleet({ url, meters: METERS, speed: 60, startAt, scheduler, historyDays: 1, seed: 3 });
    try {
      // History: a day of readings as batches, sent at once.
      await vi.waitFor(() => expect(fleet.stats().inFlight).toBe(0));
      const history = fleet.stats().backfilled;
      // Everything sent before the live start: 1-min 1439, 15-min 95, 23 hourly batches of 4
      // (the batch of the start hour itself goes out live, seconds after it).
      expect(history).toBe(1439 + 95 + 23 * 4);
      // One wall minute = one simulated hour at speed 60; 3 more minutes let the hour's batch out.
      scheduler.advance(63_000);
      await vi.waitFor(() => expect(fleet.stats().inFlight).toBe(0));
      const s = fleet.stats();
      expect(s.failed).toBe(0);
      expect(s.published).toBe(received.length);
      expect(onTopic('/reading', 'm-001')).toHaveLength(64); // on the minute, start to start + 63 min
      expect(onTopic('/reading', 'm-002')).toHaveLength(5);
      expect(onTopic('/status')).toHaveLength(3);

      for (const r of received) {
        expect(r.topic.split('/')[1]).toBe(r.username); // each meter only under its own id
        expect(r.qos).toBe(1);
        const kind = r.topic.split('/')[2];
        const schema = kind === 'reading' ? ReadingPayload : kind === 'batch' ? BatchPayload : StatusPayload;
        expect(schema.safeParse(JSON.parse(r.payload)).success, r.payload.slice(0, 120)).toBe(true);
      }
      const live = onTopic('/batch', 'm-003').map((r) => BatchPayload.parse(JSON.parse(r.payload)));
      expect(live.map((b) => b.readings.length)).toEqual([92, 4, 4]); // history in one message, then hourly
      const lastBatch = live.at(-1)!.readings;
      expect(lastBatch).toHaveLength(4);
      expect(lastBatch.at(-1)!.ts).toBe(startAt + HOUR);
      const oneMin = onTopic('/reading', 'm-001').map((r) => ReadingPayload.parse(JSON.parse(r.payload)));
      for (let i = 1; i < oneMin.length; i++) {
        expect(oneMin[i]!.ts - oneMin[i - 1]!.ts).toBe(60_000);
        expect(oneMin[i]!.totalLiters).toBeGreaterThanOrEqual(oneMin[i - 1]!.totalLiters);
        expect(oneMin[i]!.seq).toBe(oneMin[i - 1]!.seq! + 1);
      }
    } finally {
      await fleet.stop();
    }
    expect(scheduler.pending()).toBe(0);
  });

  it('injects scenarios, malformed payloads and duplicates', async () => {
    received.length = 0;
    const scheduler = new ManualScheduler(0);
    const startAt = FROM + 20 * DAY;
    const fleet = await startFleet({
      url, meters: [METERS[0]!], speed: 3600, startAt, scheduler, seed: 3, badPayloadRate: 0.5, duplicateRate: 0.5,
      scenarios: [{ meterId: 'm-001', name: 'burst-pipe', at: startAt + 10 * 60_000, durationMs: HOUR, lpm: 20 }],
    });
    try {
      scheduler.advance(1000); // one simulated hour
      await vi.waitFor(() => expect(fleet.stats().inFlight).toBe(0));
      const readings = onTopic('/reading').map((r) => ReadingPayload.safeParse(safeJson(r.payload)));
      const good = readings.flatMap((r) => (r.success ? [r.data] : []));
      expect(readings.length - good.length).toBeGreaterThan(5);
      expect(fleet.stats().badPayloads).toBeGreaterThan(5);
      expect(fleet.stats().resends).toBeGreaterThan(5);
      const byTs = new Map<number, number>();
      for (const r of good) {
        if (byTs.has(r.ts)) expect(byTs.get(r.ts)).toBe(r.totalLiters); // a re-send has the same content
        byTs.set(r.ts, r.totalLiters);
      }
      const at = (t: number) => byTs.get(t)!;
      expect(at(startAt + 40 * 60_000) - at(startAt + 20 * 60_000)).toBeGreaterThanOrEqual(20 * 20 - 1);
      expect(fleet.labels().events).toEqual([expect.objectContaining({ meterId: 'm-001', type: 'surge', scenario: 'burst-pipe' })]);
    } finally {
      await fleet.stop();
    }
  });

  it('refuses to start with a wrong token, naming the meter but not the token', async () => {
    const bad = [{ meterId: 'm-001', token: 'wrong-secret' }];
    const err = await startFleet({ url, meters: bad, speed: 60, scheduler: new ManualScheduler() }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/m-001: could not connect/);
    expect((err as Error).message).not.toMatch(/wrong-secret/);
  });
});

describe('publishTrace on a real broker', () => {
  it('sends lines sharing a receivedAt as one /batch, others as /reading, at trace speed', async () => {
    received.length = 0;
    const t0 = Date.parse('2026-01-20T00:00:00Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    const lines = [
      { meterId: 'm-001', ts: iso(t0), totalLiters: 10 },
      ...[15, 30, 45, 60].map((m, i) => ({ meterId: 'm-003', ts: iso(t0 + m * 60_000), totalLiters: 100 + i, receivedAt: iso(t0 + HOUR + 30_000) })),
      { meterId: 'm-001', ts: iso(t0 + 2 * HOUR), totalLiters: 12 },
    ];
    const scheduler = new ManualScheduler(0);
    const pub = await publishTrace({ url, meters: METERS, lines, speed: 3600, scheduler });
    await vi.waitFor(() => expect(pub.stats().published).toBe(1));
    scheduler.advance(1030); // 1 h 30 s of trace time at 3600×
    await vi.waitFor(() => expect(pub.stats().published).toBe(2));
    scheduler.advance(1000);
    const stats = await pub.done;
    expect(stats).toEqual({ messages: 3, published: 3, failed: 0 });
    expect(received.map((r) => r.topic)).toEqual(['meters/m-001/reading', 'meters/m-003/batch', 'meters/m-001/reading']);
    expect(BatchPayload.parse(JSON.parse(received[1]!.payload)).readings.map((r) => r.totalLiters)).toEqual([100, 101, 102, 103]);
  });

  it('refuses a trace with a meter it has no token for', async () => {
    await expect(publishTrace({ url, meters: METERS, lines: [{ meterId: 'm-999', ts: '2026-01-01T00:00:00Z', totalLiters: 1 }], speed: 'max' })).rejects.toThrow(/missing: m-999/);
  });
});

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
