// `npm run bench -- checkpoint` — WAL checkpoints on the writer (SQLite's automatic checkpoint,
// inside the COMMIT that crosses 1,000 pages) against the worker thread of
// src/store/checkpointer.ts (issue 12.5). A real SQLite file, the real store and its group
// commit: readings of 10,000 meters at a fixed rate, in commits of 200, as ingest queues them.
// Prints, for each: commit latency (queued → durable: what a QoS 1 PUBACK waits for), the
// event loop's longest delay, and how large the WAL got. Wall-clock figures on a shared machine.
// `BENCH_CKPT_RATES=8000,20000 BENCH_CKPT_SECONDS=10`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Reading } from '../src/domain/reading.ts';
import { openStore } from '../src/store/index.ts';
import { isMain } from '../src/cli/is-main.ts';

const BATCH = 200;
const METERS = 10_000;

interface Run {
  p50: number;
  p99: number;
  max: number;
  loopMax: number;
  walMaxMB: number;
}

async function run(checkpointMs: number, rate: number, seconds: number): Promise<Run> {
  const dir = mkdtempSync(join(process.env.BENCH_CKPT_DIR ?? tmpdir(), 'anxin-ckpt-'));
  const path = join(dir, 'anxin.db');
  const store = openStore(path, { checkpointMs });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const times: number[] = [];
  let walMax = 0;
  try {
    loop.enable();
    const start = performance.now();
    const ts = Date.parse('2026-01-01T00:00:00Z');
    const commits = Math.round((rate * seconds) / BATCH);
    for (let b = 0; b < commits; b++) {
      const wait = start + (b * BATCH * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const rows: Reading[] = [];
      for (let i = 0; i < BATCH; i++) rows.push({ meterId: `m-${(b * BATCH + i) % METERS}`, ts: ts + b * 1000 + i, totalLiters: 1000 + b, receivedAt: ts + b * 1000 });
      const t0 = performance.now();
      store.writes.add(() => store.readings.addMany(rows), rows.length);
      void store.writes.barrier().then(() => times.push(performance.now() - t0));
      if (b % 25 === 0) walMax = Math.max(walMax, statSync(path + '-wal').size);
    }
    await store.writes.barrier();
    loop.disable();
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: q(0.5), p99: q(0.99), max: times.at(-1)!, loopMax: loop.max / 1e6, walMaxMB: walMax / 1e6 };
}

export async function benchCheckpoint(): Promise<void> {
  const rates = (process.env.BENCH_CKPT_RATES ?? '8000,20000').split(',').map(Number);
  const seconds = Number(process.env.BENCH_CKPT_SECONDS ?? 10);
  for (const rate of rates) {
    for (const [name, ms] of [
      ['on the writer (SQLite automatic)', 0],
      ['in the worker (checkpointer.ts) ', 1000],
    ] as const) {
      const r = await run(ms, rate, seconds);
      const f = (x: number) => x.toFixed(1).padStart(5);
      console.log(
        `checkpoint   ${name}, ${rate.toLocaleString()} readings/s for ${seconds} s: commit queued→durable p50 ${f(r.p50)} p99 ${f(r.p99)} max ${f(r.max)} ms; event loop max delay ${f(r.loopMax)} ms; WAL up to ${r.walMaxMB.toFixed(1)} MB`,
      );
    }
  }
}

if (isMain(import.meta.url)) await benchCheckpoint();
