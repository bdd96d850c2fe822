// New sockets are handed to aedes a few per event-loop turn (issue 12.5), so a reconnect storm
// neither stops the loop nor overflows the kernel's listen queue; a legitimate storm is
// queued, never refused, while the hostile-peer caps of issue 11 still hold (limits.test.ts).
import type { Socket } from 'node:net';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { AcceptQueue } from '../../src/broker/accept-queue.ts';
import type { Broker, BrokerCounters } from '../../src/broker/index.ts';
import { Inbox, closeAfterEach, mapAuthenticator, startTestBroker } from './harness.ts';

/** Stands in for a socket: the queue reads only `destroyed` (and calls `destroy` on a failed set-up). */
interface Fake {
  n: number;
  destroyed: boolean;
  destroy(): void;
}
const fakeSocket = (n: number): Fake => {
  const f: Fake = { n, destroyed: false, destroy: () => void (f.destroyed = true) };
  return f;
};
const asSocket = (f: Fake) => f as unknown as Socket;

/** Resolves once `hand` has been called `count` times; records which turn each came in. */
function recorder(count: number) {
  const handed: number[] = [];
  const turns: number[] = [];
  let turn = 0;
  let resolve!: () => void;
  const all = new Promise<void>((r) => (resolve = r));
  const tick = () => {
    turn++;
    if (handed.length < count) setImmediate(tick);
  };
  setImmediate(tick);
  const hand = (s: Socket) => {
    handed.push((s as Socket & { n: number }).n);
    turns.push(turn);
    if (handed.length === count) resolve();
  };
  return { handed, turns, all, hand };
}

describe('accept queue', () => {
  it('hands every socket over in order, over several turns, skipping the ones already closed', async () => {
    const r = recorder(198);
    const q = new AcceptQueue(r.hand, 10, () => 0); // a clock that never moves: only the count limits a turn
    const sockets = Array.from({ length: 200 }, (_, i) => fakeSocket(i));
    sockets[5]!.destroyed = true;
    sockets[150]!.destroyed = true;
    for (const s of sockets) q.push(asSocket(s));
    expect(q.length).toBe(200);
    await r.all;
    expect(r.handed).toEqual(sockets.map((s) => s.n).filter((n) => n !== 5 && n !== 150));
    expect(new Set(r.turns).size).toBeGreaterThan(1); // not all in one turn
    expect(q.length).toBe(0);
  });

  it('hands fewer per turn when the turns it causes run long, more when they are short', async () => {
    let t = 0;
    // Every read of the clock is 30 ms later: each turn looks longer than the 10 ms target.
    const slow = new AcceptQueue(() => {}, 10, () => (t += 30));
    for (let i = 0; i < 500; i++) slow.push(asSocket(fakeSocket(i)));
    while (slow.length > 0) await new Promise<void>((r) => setImmediate(r));
    expect(slow.perTurn).toBe(4);
    const fast = new AcceptQueue(() => {}, 10, () => 0);
    const before = fast.perTurn;
    for (let i = 0; i < 500; i++) fast.push(asSocket(fakeSocket(i)));
    while (fast.length > 0) await new Promise<void>((r) => setImmediate(r));
    expect(fast.perTurn).toBeGreaterThan(before);
  });

  it('destroys a socket whose set-up throws, and goes on with the next', async () => {
    const handed: number[] = [];
    const bad = fakeSocket(1);
    const q = new AcceptQueue(
      (s) => {
        if ((s as Socket & { n: number }).n === 1) throw new Error('broken socket');
        handed.push((s as Socket & { n: number }).n);
      },
      10,
      () => 0,
    );
    for (const s of [fakeSocket(0), bad, fakeSocket(2)]) q.push(asSocket(s));
    await expect.poll(() => handed).toEqual([0, 2]);
    expect(bad.destroyed).toBe(true);
  });
});

describe('a storm of legitimate meters against the broker defaults', () => {
  let broker: Broker | undefined;
  const { clients } = closeAfterEach(() => broker, () => (broker = undefined));

  it('connects 300 meters opened at once without refusing a socket or a CONNECT', async () => {
    const meters = new Map(Array.from({ length: 300 }, (_, i) => [`m-${i}`, { token: `tok-${i}` }]));
    const refused: string[] = [];
    const counters: BrokerCounters = { socketRefused: (why) => refused.push(why), connectRefused: (why) => refused.push(why) };
    broker = await startTestBroker(new Inbox().onPublish, { auth: mapAuthenticator(meters), counters });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const all = await Promise.all([...meters].map(([id, m]) => mqtt.connectAsync(url, { username: id, password: m.token, protocolVersion: 4, reconnectPeriod: 0 })));
    clients.push(...all);
    expect(refused).toEqual([]);
    expect(broker.connectedCount()).toBe(300);
    expect(broker.queuedCount()).toBe(0);
    expect(broker.unauthenticatedCount()).toBe(0);
  });
});
