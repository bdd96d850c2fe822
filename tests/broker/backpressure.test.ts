// Admission control (issue 12.3) over real loopback TCP: a real aedes broker, real mqtt.js
// meters, and a pipeline the test drains by hand, so "the service has fallen behind" is a
// state the test sets, not a race. Waits are on events (publishes seen, pauses, PUBACKs).
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Broker, type MqttLimits } from '../../src/broker/index.ts';
import { BackpressureSchema, type BackpressureLimits } from '../../src/broker/backpressure.ts';
import { closeAfterEach, startTestBroker } from './harness.ts';

// A flood well over one socket read (64 KiB), so pausing has something left to hold back.
const FLOOD = 600;
const BODY = 'x'.repeat(1000);
// The publish budget is another limit (rate-limit.ts): opened up so only backpressure acts.
const OPEN_BUDGET: MqttLimits = { ...DEFAULT_LIMITS.mqtt, publish: { ...DEFAULT_LIMITS.mqtt.publish, ratePerSecond: 100_000, burst: 1_000_000, bytesPerSecond: 1 << 30, burstBytes: 1 << 30 } };

/**
 * The service behind the broker. `backlog`: readings the service still holds from everyone
 * (set by the test: "it has fallen behind"); otherwise each publish settles at once, as a
 * meter's own PUBACK does while the shared queue is still long.
 */
class Pipeline {
  readonly seen: { meterId: string; payload: string }[] = [];
  backlog = 0;
  /** Each publish settles at once but leaves its reading in `backlog` (committed later). */
  lingers = false;
  #waiters: (() => void)[] = [];

  get queued(): number {
    return this.backlog;
  }

  readonly onPublish = (meterId: string, _topic: string, payload: Buffer) => {
    this.seen.push({ meterId, payload: payload.toString('utf8') });
    if (this.lingers) this.backlog++;
    for (const w of this.#waiters.splice(0)) w();
    return Promise.resolve();
  };

  async until(pred: () => boolean): Promise<void> {
    while (!pred()) await new Promise<void>((r) => this.#waiters.push(r));
  }

  count(meterId: string): number {
    return this.seen.filter((s) => s.meterId === meterId).length;
  }

  order(meterId: string): number[] {
    return this.seen.filter((s) => s.meterId === meterId).map((s) => Number(s.payload.split(' ')[0]));
  }
}

function events() {
  const log: string[] = [];
  let waiters: (() => void)[] = [];
  const note = (e: string) => {
    log.push(e);
    for (const w of waiters.splice(0)) w();
  };
  return {
    log,
    hooks: { paused: (why: string) => note(`paused:${why}`), resumed: () => note('resumed') },
    async until(pred: () => boolean) {
      while (!pred()) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

function floodFrom(client: MqttClient, n: number): Promise<void>[] {
  return Array.from({ length: n }, (_, i) => client.publishAsync('meters/m-001/reading', `${i} ${BODY}`, { qos: 1 }).then(() => {}));
}

describe('admission control: the busiest socket is paused while the pipeline is behind', () => {
  let broker: Broker | undefined;
  const { open } = closeAfterEach(() => broker, () => (broker = undefined));

  const start = async (pipe: Pipeline, ev: ReturnType<typeof events>, over: Partial<BackpressureLimits> = {}) => {
    const limits = BackpressureSchema.parse({ highReadings: 100, lowReadings: 10, ...over });
    broker = await startTestBroker(pipe.onPublish, { limits: OPEN_BUDGET, backpressure: { limits, queuedReadings: () => pipe.queued, events: ev.hooks } });
    return broker;
  };

  it('pauses a flooding meter over the high-water mark, lets a quiet one through, resumes at the low-water mark, loses nothing', async () => {
    const pipe = new Pipeline();
    const ev = events();
    const b = await start(pipe, ev);
    const flood = await open('m-001', 'tok-001');
    const quiet = await open('m-002', 'tok-002');
    pipe.backlog = 150; // the service is behind (over the high-water mark of 100)

    const acks = floodFrom(flood, FLOOD);
    await ev.until(() => ev.log.includes('paused:over-share'));
    expect(b.isPaused('m-001')).toBe(true);
    // A quiet meter is not paused for the flood: its readings are taken in and acknowledged.
    await quiet.publishAsync('meters/m-002/reading', 'still here', { qos: 1 });
    const seenAtPause = pipe.count('m-001');
    // Each of the flood's publishes settled at once, yet the socket was not read further: it
    // stopped after the read that crossed the mark (≤ 64 KiB), the rest is in the socket.
    expect(seenAtPause).toBeLessThanOrEqual(80);
    expect(b.pipeline()).toMatchObject({ readings: 150, bytes: 0, pausedSockets: 1, pauses: 1 });
    await quiet.publishAsync('meters/m-002/reading', 'and again', { qos: 1 });
    expect(b.isPaused('m-002')).toBe(false);
    expect(b.isPaused('m-001')).toBe(true);
    expect(pipe.count('m-001')).toBe(seenAtPause); // the flood was not read meanwhile
    expect(pipe.count('m-002')).toBe(2);

    pipe.backlog = 0; // the service caught up
    b.pollBackpressure();
    await ev.until(() => ev.log.includes('resumed'));
    expect(b.isPaused('m-001')).toBe(false);
    // The flood goes on: every publish is seen once, in order, and acknowledged.
    await Promise.all(acks);
    expect(pipe.order('m-001')).toEqual(Array.from({ length: FLOOD }, (_, i) => i));
    expect(b.pipeline()).toMatchObject({ readings: 0, bytes: 0, pausedSockets: 0, pauses: 1 });
  });

  it('pauses and resumes as often as the pipeline falls behind, and every publish is acknowledged once taken in', async () => {
    const pipe = new Pipeline();
    const ev = events();
    const b = await start(pipe, ev, { highReadings: 30, lowReadings: 5 });
    const flood = await open('m-001', 'tok-001');
    // Each publish settles at once but leaves a reading in the service's queue, which
    // drains only when the test says: a service that has fallen behind and catches up.
    pipe.lingers = true;
    let acked = 0;
    const acks = floodFrom(flood, FLOOD).map((p) => p.then(() => acked++));
    let rounds = 0;
    while (pipe.count('m-001') < FLOOD) {
      const pauses = b.pipeline().pauses;
      await Promise.race([ev.until(() => b.pipeline().pauses > pauses), pipe.until(() => pipe.count('m-001') === FLOOD)]);
      expect(b.pipeline().readings).toBeLessThanOrEqual(30 + 80); // high-water + one socket read (≤ 64 KiB)
      pipe.backlog = 0;
      b.pollBackpressure();
      rounds++;
    }
    await Promise.all(acks);
    expect(acked).toBe(FLOOD);
    expect(rounds).toBeGreaterThan(5);
    expect(ev.log.filter((e) => e === 'resumed').length).toBeGreaterThanOrEqual(rounds - 1);
    expect(pipe.order('m-001')).toEqual(Array.from({ length: FLOOD }, (_, i) => i));
  });

  it('with backpressure off the flood is read on however far behind the service is', async () => {
    const pipe = new Pipeline();
    const ev = events();
    const b = await start(pipe, ev, { enabled: false });
    const flood = await open('m-001', 'tok-001');
    pipe.backlog = 1_000_000;
    await Promise.all(floodFrom(flood, FLOOD));
    expect(pipe.count('m-001')).toBe(FLOOD);
    expect(b.isPaused('m-001')).toBe(false);
    expect(ev.log).toEqual([]);
  });

  it('the config refuses a low-water mark at or above the high-water mark', () => {
    expect(() => BackpressureSchema.parse({ highReadings: 10, lowReadings: 10 })).toThrow(/low-water mark/);
    expect(BackpressureSchema.parse({})).toMatchObject({ enabled: true, highReadings: 5000, lowReadings: 2000 });
  });
});
