// Bounded work per event-loop turn (issue 11.3): six meters each send a 5,000-reading batch
// at once, three rounds (the probe that held /health for 1.7 s). The service runs alone in
// a child process; /health, asked over real HTTP from here meanwhile, keeps answering, and
// every batch is processed and acknowledged. Durations are on the monotonic clock; the
// bound is generous for a shared 2-core machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { seedMeters, startChild, type Child } from './child-service.ts';

const MIN = 60_000;
const IDS = ['d-0', 'd-1', 'd-2', 'd-3', 'd-4', 'd-5'];
const PER_BATCH = 5000;
const ROUNDS = 3;

const dir = mkdtempSync(join(tmpdir(), 'anxin-dense-'));
const dbPath = join(dir, 'anxin.db');
let child: Child | undefined;
const clients: MqttClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  child?.proc.kill('SIGKILL');
  await child?.exited;
  rmSync(dir, { recursive: true, force: true });
});

/** Worst /health latency while `work` runs, polled back to back. */
async function healthDuring(httpPort: number, work: () => Promise<void>): Promise<{ worstMs: number; answers: number }> {
  let running = true;
  let worstMs = 0;
  let answers = 0;
  const poll = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${httpPort}/health`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
      worstMs = Math.max(worstMs, performance.now() - t0);
      answers++;
    }
  })();
  await work();
  running = false;
  await poll;
  return { worstMs, answers };
}

describe('dense batches', () => {
  it('keep /health answering while 3 rounds of 6 × 5,000 readings are processed', { timeout: 60_000 }, async () => {
    const start = Date.now() - 30 * 86_400_000;
    const tokens = seedMeters(dbPath, IDS, start);
    child = await startChild(dbPath);
    for (const [id, token] of tokens) clients.push(await mqtt.connectAsync(`mqtt://127.0.0.1:${child.mqttPort}`, { username: id, password: token, protocolVersion: 4, reconnectPeriod: 0 }));
    const payloads = Array.from({ length: ROUNDS }, (_, round) =>
      JSON.stringify({ readings: Array.from({ length: PER_BATCH }, (_, k) => ({ ts: start + (round * PER_BATCH + k) * MIN, totalLiters: 1000 + (round * PER_BATCH + k) * 0.5 })) }),
    );
    await fetch(`http://127.0.0.1:${child.httpPort}/health`); // warm the HTTP path

    const { worstMs, answers } = await healthDuring(child.httpPort, async () => {
      for (const p of payloads) await Promise.all(clients.map((c, i) => c.publishAsync(`meters/${IDS[i]}/batch`, p, { qos: 1 })));
    });

    // Acknowledged means stored: every reading is in SQLite already.
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: IDS.length * ROUNDS * PER_BATCH });
    db.close();
    console.log(`dense batches: ${answers} /health answers during ${IDS.length * ROUNDS * PER_BATCH} readings, worst ${worstMs.toFixed(0)} ms`);
    expect(answers).toBeGreaterThan(5);
    // Before: 1.7 s on an idle machine (issue 11). A turn now holds about 8 ms of slices or
    // one batch's parse (~20 ms of CPU); on this shared machine (load 9–11 while six
    // helpers work) that stretches to a few hundred ms of wall time, hence the bound.
    expect(worstMs).toBeLessThan(1000);
  });
});
