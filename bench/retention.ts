// npx tsx bench/retention.ts [rows=500000] — the daily readings prune, measured (not asserted):
// `rows` old readings (a 10,000-meter fleet at 15 min writes ~1 M a day) deleted by one DELETE
// (before issue 12.5: the loop stopped for all of it) and, on an identical table, in slices of
// limits.sliceMs (src/jobs/sliced.ts), with the longest event-loop stall meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_LIMITS } from '../src/broker/limits.ts';
import type { Reading } from '../src/domain/reading.ts';
import { runSliced } from '../src/jobs/sliced.ts';
import { openStore } from '../src/store/index.ts';

const rows = Number(process.argv[2] ?? 500_000);
const cut = 1_000_000_000;
const dir = mkdtempSync(join(tmpdir(), 'anxin-retention-'));
try {
  const fill = (path: string) => {
    const store = openStore(path);
    const batch: Reading[] = [];
    for (let i = 0; i < rows + 10_000; i++) {
      const ts = i < rows ? cut - rows + i : cut + i; // the last 10,000 are kept
      batch.push({ meterId: `m-${i % 10_000}`, ts, totalLiters: i, receivedAt: ts });
      if (batch.length === 5000) store.readings.addMany(batch.splice(0));
    }
    store.readings.addMany(batch);
    return store;
  };
  const a = fill(join(dir, 'a.db'));
  const t0 = performance.now();
  const n = a.readings.prune(cut);
  const oneShot = performance.now() - t0;
  a.close();
  const b = fill(join(dir, 'b.db'));
  if (process.env.NO_CHECKPOINT === '1') b.db.pragma('wal_autocheckpoint = 0'); // to tell the checkpoints' stalls from the deletes'
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t1 = performance.now();
  const r = await runSliced((limit) => b.readings.pruneSome(cut, limit), { budgetMs: DEFAULT_LIMITS.sliceMs });
  const sliced = performance.now() - t1;
  loop.disable();
  b.close();
  console.log(
    `retention    ${n.toLocaleString()} old readings: one DELETE ${oneShot.toFixed(0)} ms (the loop stopped for all of it); ` +
      `sliced ${r.done.toLocaleString()} in ${r.steps} steps, ${sliced.toFixed(0)} ms wall, longest step ${r.longestStepMs.toFixed(1)} ms, ` +
      `longest event-loop stall ${(loop.max / 1e6).toFixed(1)} ms (budget ${DEFAULT_LIMITS.sliceMs} ms); load ${loadavg()[0]!.toFixed(2)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
