// Who is paused and who is resumed first (src/broker/backpressure.ts), with an injected clock:
// the heaviest recent publishers first, a light one only past the ceiling, resumption
// longest-paused first and paced, and a meter that went quiet is no longer "heavy".
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Backpressure, BackpressureSchema } from '../../src/broker/backpressure.ts';

function rig(over: Record<string, number> = {}) {
  let t = 0;
  let readings = 0;
  const log: string[] = [];
  const bp = new Backpressure(BackpressureSchema.parse({ highReadings: 100, lowReadings: 10, halfLifeMs: 1000, ...over }), () => readings, () => t, {
    paused: (why) => log.push(why),
    resumed: () => log.push('resumed'),
  });
  const socket = () => {
    const s = new Socket();
    bp.attach(s);
    return s;
  };
  /** One publish of `bytes` that leaves `n` readings queued (settled later by the test). */
  const publish = (s: Socket, bytes: number, n = 1) => {
    bp.admitted(s, bytes);
    readings += n;
    bp.check(s);
  };
  return {
    bp,
    log,
    socket,
    publish,
    settle: (s: Socket, bytes: number, n = 1) => {
      readings -= n;
      bp.settled(s, bytes);
    },
    setReadings: (n: number) => (readings = n),
    advance: (ms: number) => (t += ms),
  };
}

describe('backpressure fairness', () => {
  it('over the high-water mark pauses sockets at or above the fair share, not the light ones', () => {
    const r = rig();
    const [heavy, medium, light] = [r.socket(), r.socket(), r.socket()];
    for (let i = 0; i < 50; i++) r.publish(heavy, 1000);
    for (let i = 0; i < 45; i++) r.publish(medium, 500);
    r.publish(light, 100);
    expect(r.log).toEqual([]); // 96 readings: under the mark
    r.publish(heavy, 1000); // 97
    r.publish(light, 100); // 98
    r.publish(medium, 500); // 99
    r.publish(light, 100); // 100
    r.publish(light, 100); // 101: over, but the light one is far under its share
    expect(r.bp.isPaused(light)).toBe(false);
    r.publish(heavy, 1000);
    expect(r.bp.isPaused(heavy)).toBe(true);
    r.publish(medium, 500); // 500 × 46 vs a mean of (51,000 + 23,000 + 500) / 3: under the share
    expect(r.bp.isPaused(medium)).toBe(false);
    expect(r.log).toEqual(['over-share']);
  });

  it('past twice the high-water mark any publishing socket is paused', () => {
    const r = rig();
    const [heavy, light] = [r.socket(), r.socket()];
    for (let i = 0; i < 10; i++) r.publish(heavy, 1000);
    r.setReadings(201);
    r.publish(light, 10);
    expect(r.bp.isPaused(light)).toBe(true);
    expect(r.log).toEqual(['ceiling']);
  });

  it('a meter that went quiet is no longer heavy: its recent load decays', () => {
    const r = rig();
    const [was, now] = [r.socket(), r.socket()];
    for (let i = 0; i < 100; i++) r.publish(was, 1000);
    r.setReadings(0);
    r.advance(10_000); // ten half-lives: 100 KB → ~98 bytes
    for (let i = 0; i < 20; i++) r.publish(now, 100); // 2 KB recently
    r.setReadings(150);
    r.publish(was, 10);
    expect(r.bp.isPaused(was)).toBe(false);
    r.publish(now, 100);
    expect(r.bp.isPaused(now)).toBe(true);
  });

  it('resumes under the low-water mark, longest-paused first, a few sockets per pass', () => {
    // A byte budget of 4 × 16 KiB (the socket highWaterMark each resumed socket may bring).
    const r = rig({ highBytes: 64 * 1024 + 2048, lowBytes: 1024, highReadings: 100_000, lowReadings: 10 });
    const sockets = Array.from({ length: 8 }, () => r.socket());
    r.setReadings(200_001); // past the ceiling: each is paused after its one publish
    sockets.forEach((s) => r.publish(s, 100, 0));
    expect(r.bp.pausedCount).toBe(8);
    r.setReadings(5); // the service caught up
    r.settle(sockets[0]!, 100, 0);
    // At most as many as the room under the high-water mark allows, in the order they were paused.
    const resumed = sockets.map((s) => !r.bp.isPaused(s));
    const n = resumed.filter(Boolean).length;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(8);
    expect(resumed).toEqual(sockets.map((_, i) => i < n));
    // Later passes resume the rest.
    for (const s of sockets.slice(1)) r.settle(s, 100, 0);
    expect(r.bp.pausedCount).toBe(0);
    expect(r.log.filter((e) => e === 'resumed')).toHaveLength(8);
  });

  it('one publish in flight is not a flood: such sockets go on over the high-water mark, a second one in flight is paused', () => {
    // QoS 1 meters that wait for their PUBACK (the load bench's maximum): one publish each.
    const r = rig(); // high 100; the ceiling is max(200, 100 + 300 sockets) = 400 readings
    const sockets = Array.from({ length: 300 }, () => r.socket());
    r.setReadings(50);
    sockets.forEach((s) => r.publish(s, 130, 1)); // 350 readings waiting, over the mark, one publish each…
    expect(r.bp.pausedCount).toBe(0);
    expect(r.bp.ceilingReadings).toBe(400);
    r.setReadings(150);
    r.publish(sockets[0]!, 130, 0); // …but a meter that sends on without its PUBACK is over its share
    expect(r.bp.isPaused(sockets[0]!)).toBe(true);
    expect(r.log).toEqual(['over-share']);
  });

  it('past the ceiling (the high-water mark plus one reading per socket, at least twice the mark) a single publish is paused too', () => {
    const r = rig();
    const sockets = Array.from({ length: 300 }, () => r.socket());
    r.setReadings(400);
    r.publish(sockets[0]!, 130, 0);
    expect(r.bp.pausedCount).toBe(0);
    r.setReadings(401);
    r.publish(sockets[1]!, 130, 0);
    expect(r.bp.isPaused(sockets[1]!)).toBe(true);
    expect(r.log).toEqual(['ceiling']);
  });

  it('a closed socket leaves the queue and the paused set', () => {
    const r = rig();
    const s = r.socket();
    r.setReadings(150);
    r.publish(s, 2500, 0);
    r.publish(s, 2500, 0); // two in flight: over its share
    expect(r.bp.pausedCount).toBe(1);
    expect(r.bp.depth().bytes).toBe(5000);
    s.emit('close');
    expect(r.bp.pausedCount).toBe(0);
    expect(r.bp.depth().bytes).toBe(0);
  });
});
