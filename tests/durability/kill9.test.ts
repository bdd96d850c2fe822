// Durability you can point to (issue 11.9, 12.1): the real service runs in a child process;
// meters publish dense QoS 1 readings and batches over real MQTT; the service is killed
// with SIGKILL at random moments, restarted on the same SQLite file, and each time:
//   - every reading the broker acknowledged (PUBACK) is in SQLite,
//   - PRAGMA integrity_check is ok,
//   - the battery-low alert each meter caused (acknowledged) is there, once, and no
//     condition is open twice,
//   - what the detector learned (saved at the one clean stop) comes back.
// Bounded: 3 meters, 4 kills, about a second of publishing each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runFleet } from './fleet.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { seedMeters, startChild } from '../integration/child-service.ts';
const MIN = 60_000;
const METERS = ['k-1', 'k-2', 'k-3'];

const dir = mkdtempSync(join(tmpdir(), 'anxin-kill9-'));
const dbPath = join(dir, 'anxin.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A deterministic "random" so a failure can be replayed (seed printed on failure).
const seed = Number(process.env.KILL9_SEED ?? Date.now() % 100_000);
let rngState = seed;
const rand = () => ((rngState = (rngState * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

interface MeterState {
  token: string;
  ts: number;
  total: number;
  acked: Set<number>;
  statusAcked: boolean;
}
const meters = new Map<string, MeterState>();

/** Publishes dense QoS 1 traffic from every meter until `stop()`; PUBACKed readings are recorded. */
function publishAll(port: number) {
  return runFleet(port, METERS, (id) => meters.get(id)!.token, async ({ id, client: c, stopped, up, pipelined }) => {
    const m = meters.get(id)!;
    // One alert per meter, caused by an acknowledged status message.
    await c.publishAsync(`meters/${id}/status`, JSON.stringify({ ts: m.ts, battery: 5 }), { qos: 1 });
    m.statusAcked = true;
    up();
    while (!stopped() && c.connected) {
      const n = rand() < 0.3 ? 1 : 1 + Math.floor(rand() * 400);
      // Never into the future: such a reading is rightly refused (dead-lettered and acknowledged),
      // and would look lost. A fast machine once published ~200,000 minutes per meter in 5 cycles.
      if (m.ts + n * MIN > Date.now() - 60 * MIN) break;
      const batch: { ts: number; totalLiters: number }[] = [];
      for (let i = 0; i < n; i++) {
        m.ts += MIN;
        m.total += Math.round(rand() * 30) / 10; // ≤ 3 L a minute: plausible, never a data fault
        batch.push({ ts: m.ts, totalLiters: m.total });
      }
      const [topic, payload] = n === 1 ? [`meters/${id}/reading`, JSON.stringify(batch[0])] : [`meters/${id}/batch`, JSON.stringify({ readings: batch })];
      // a window of 8 in flight: dense, pipelined, like a meter flushing its queue
      await pipelined(topic, payload, () => batch.forEach((r) => m.acked.add(r.ts)), 8);
    }
  });
}

function check(cycle: number) {
  const db = new Database(dbPath);
  try {
    expect(db.pragma('integrity_check', { simple: true }), `cycle ${cycle}`).toBe('ok');
    const has = db.prepare<[string, number], { one: number }>('SELECT 1 AS one FROM readings WHERE meter_id = ? AND ts = ?');
    for (const [id, m] of meters) {
      const lost = [...m.acked].filter((ts) => has.get(id, ts) === undefined);
      expect(lost, `cycle ${cycle}: acknowledged readings of ${id} missing (seed ${seed})`).toEqual([]);
      const battery = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM alerts WHERE meter_id = ? AND type = 'battery-low'").get(id)!.n;
      if (m.statusAcked) expect(battery, `cycle ${cycle}: battery-low alerts of ${id}`).toBe(1);
    }
    const twice = db.prepare("SELECT meter_id, type, count(*) AS n FROM alerts WHERE status IN ('open', 'acknowledged') GROUP BY meter_id, type HAVING n > 1").all();
    expect(twice, `cycle ${cycle}: a condition open twice`).toEqual([]);
    return { readings: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM readings').get()!.n };
  } finally {
    db.close();
  }
}

describe('kill -9 while meters publish', () => {
  it('loses no acknowledged reading, keeps SQLite intact, stores each alert once, restores learned state', { timeout: 90_000 }, async () => {
    // Far enough back that a minute of meter time per reading does not overtake the present
    // (publishAll also stops a meter short of it).
    const start = Date.now() - 2 * 365 * 86_400_000;
    for (const [id, token] of seedMeters(dbPath, METERS, start)) meters.set(id, { token, ts: start, total: 1000, acked: new Set(), statusAcked: false });

    const cycles = [{ end: 'clean' }, { end: 'kill' }, { end: 'kill' }, { end: 'kill' }, { end: 'kill' }] as const;
    let ackedTotal = 0;
    for (const [i, cycle] of cycles.entries()) {
      const child = await startChild(dbPath);
      if (i > 0) {
        // Learned at the clean stop of cycle 0; comes back after every crash too.
        expect(child.logs.find((l) => l.msg === 'detector state restored')?.restored, `cycle ${i}`).toBe(METERS.length);
      }
      const pub = publishAll(child.mqttPort);
      await pub.ready;
      await new Promise((r) => setTimeout(r, 300 + rand() * 900)); // the random moment (this is the test's own schedule, not a wait for the system)
      if (cycle.end === 'kill') child.proc.kill('SIGKILL');
      else child.proc.kill('SIGTERM');
      await child.exited;
      await pub.stop();
      const { readings } = check(i);
      const acked = [...meters.values()].reduce((n, m) => n + m.acked.size, 0);
      expect(acked, `cycle ${i}: the meters published`).toBeGreaterThan(ackedTotal);
      ackedTotal = acked;
      expect(readings).toBeGreaterThanOrEqual(acked);
    }
    console.log(`kill -9: ${cycles.length - 1} kills, ${ackedTotal} acknowledged readings, none lost (seed ${seed})`);
  });
});
