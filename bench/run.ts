// npm run bench — speed and memory targets, measured (not asserted in tests):
//   replay core ≥ 200,000 readings/s on this 2-core machine (issue: detection targets);
//   the full replay CLI path (JSONL parse + core + output) on the same trace.
//   `npm run bench -- connect`: the cost per CONNECT only (bench/connect.ts; also run at the end).
//   `npm run bench -- turns`: the longest event-loop turn under six dense batches (bench/turns.ts; also run).
//   `npm run bench -- state`: bytes per meter of detector state, and per connected meter with
//   its broker connection (issue 12.4: ≤ 16 KB with four weeks learned; also run at the end).
//   `npm run bench -- replay`: the replay figures only (the first part).
//   `npm run bench -- checkpoint`: WAL checkpoints on the writer against the worker thread
//   (commit latency and event-loop delay under a stream of readings; also run).
//   `npm run bench -- parse`: µs to validate one reading message, epoch and ISO `ts` (bench/parse.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultDetectorConfig } from '../src/detect/config.ts';
import { createReplayEngine } from '../src/replay/engine.ts';
import type { Reading } from '../src/domain/reading.ts';
import { simulateMeter } from '../device-sim/meter-sim.ts';
import { makeProfile, ARCHETYPES } from '../device-sim/profile.ts';
import { Rng } from '../device-sim/rng.ts';
import type { Cadence, DeliveryStyle } from '../device-sim/meter.ts';

// `npm run bench -- turns`: the longest event-loop turn under six dense batches only (bench/turns.ts).
if (process.argv[2] === 'turns') {
  const { benchTurns } = await import('./turns.ts');
  await benchTurns();
  process.exit(0);
}
if (process.argv[2] === 'parse') {
  const { benchParse } = await import('./parse.ts');
  benchParse();
  process.exit(0);
}
if (process.argv[2] === 'connect') {
  await import('./connect.ts');
  process.exit(0);
}
if (process.argv[2] === 'state') {
  await stateSection();
  process.exit(0);
}
if (process.argv[2] === 'checkpoint') {
  const { benchCheckpoint } = await import('./checkpoint.ts');
  await benchCheckpoint();
  process.exit(0);
}
// `npm run bench -- load …`: the load benchmark (bench/load/run.ts, issue 12) instead of this one.
if (process.argv[2] === 'load') {
  const { main } = await import('./load/run.ts');
  await main(process.argv.slice(3)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
  process.exit();
}

const DAY = 86_400_000;
const from = Date.parse('2026-01-01T00:00:00+08:00');

function trace(meters: number, days: number, cadence: Cadence, delivery?: DeliveryStyle): Reading[] {
  const out: Reading[] = [];
  const rng = new Rng(42);
  for (let i = 0; i < meters; i++) {
    const sim = simulateMeter({ meterId: `b-${i}`, profile: makeProfile(ARCHETYPES[i % ARCHETYPES.length]!, rng), seed: i, cadence, from, delivery });
    for (let r = sim.reports.next(); !r.done && r.value.sendAt < from + days * DAY; r = sim.reports.next())
      for (const x of r.value.readings) out.push({ meterId: sim.meterId, ts: x.ts, totalLiters: x.totalLiters, receivedAt: r.value.sendAt });
  }
  return out.sort((a, b) => a.receivedAt - b.receivedAt);
}

// A real collection before and after, so the memory figure is what the detector keeps, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap the detector retains after replaying the trace (its learned state for every meter;
 *  typed arrays keep their data outside the V8 heap, so those bytes count too). */
function retainedBytes(readings: Reading[]): number {
  // Twice: typed arrays' backing stores are freed only after their dead wrappers were swept,
  // so one collection leaves the previous runs' data counted in `before` (a negative figure).
  const used = () => (gc(), gc(), process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers);
  const before = used();
  const engine = createReplayEngine(defaultDetectorConfig, () => {});
  for (const r of readings) engine.push(r);
  const after = used();
  if (engine.clock < 0) console.log(''); // keeps `engine` alive until after the measurement
  return after - before;
}

function core(readings: Reading[]): { rate: number; alerts: number } {
  let alerts = 0;
  const engine = createReplayEngine(defaultDetectorConfig, () => alerts++);
  const t0 = performance.now();
  for (const r of readings) engine.push(r);
  const secs = (performance.now() - t0) / 1000;
  return { rate: Math.round(readings.length / secs), alerts };
}

await replaySection();
if (process.argv[2] === 'replay') process.exit(0);

// History writes to a real InfluxDB-compatible server (bench/timeseries.ts).
const { benchTimeseries } = await import('./timeseries.ts');
await benchTimeseries();
// The longest event-loop turn under six dense batches at once (issue 11.3).
const { benchTurns } = await import('./turns.ts');
await benchTurns();
// WAL checkpoints on the writer against the worker (issue 12.5): `npm run bench -- checkpoint` runs only this part.
const { benchCheckpoint } = await import('./checkpoint.ts');
await benchCheckpoint();
// The cost per CONNECT (issue 11.2): `npm run bench -- connect` runs only this part.
await import('./connect.ts');
await stateSection();

/** Replay throughput on simulator traces: the core, then the CLI path (`npm run bench -- replay` runs only this). */
async function replaySection(): Promise<void> {
  console.log('generating traces (simulator)…');
  const fine = trace(60, 30, '1min');
  const coarse = trace(600, 60, '15min');
  // Issue 9: hourly batches sent as shuffled single-reading messages (the reorder buffer's path).
  const shuffled = trace(600, 30, 'hourly-batch', { shuffled: true, spreadMs: 120_000 });
  for (const [name, t] of [['1-min, 60 meters × 30 days', fine], ['15-min, 600 meters × 60 days', coarse], ['hourly batches as shuffled messages, 600 meters × 30 days', shuffled]] as const) {
    core(t.slice(0, 50_000)); // warm the JIT
    const best = [core(t), core(t), core(t)].sort((a, b) => b.rate - a.rate)[0]!;
    const meters = new Set(t.map((r) => r.meterId)).size;
    const kb = retainedBytes(t) / meters / 1024;
    console.log(`replay core  ${name}: ${t.length.toLocaleString()} readings, ${best.rate.toLocaleString()} readings/s (best of 3), ${best.alerts} alerts; target ≥ 200,000 ${best.rate >= 200_000 ? '✓' : '✗'}`);
    console.log(`             detector state retained: ${kb.toFixed(1)} KiB per meter (${meters} meters; ${((kb * 10_000) / 1024).toFixed(0)} MiB for 10,000)`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'anxin-bench-'));
  try {
    const input = join(dir, 'trace.jsonl');
    writeFileSync(input, fine.map((r) => JSON.stringify({ meterId: r.meterId, ts: new Date(r.ts).toISOString(), totalLiters: r.totalLiters })).join('\n') + '\n');
    // The CLI reports its own rate on stderr; spawnSync keeps stderr even on success.
    const { spawnSync } = await import('node:child_process');
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/replay.ts', '--input', input, '--output', join(dir, 'alerts.jsonl')], { encoding: 'utf8' });
    console.log(`replay CLI   1-min trace as JSONL: ${res.stderr.trim()}`);
  } catch (e) {
    console.error((e as { stderr?: string }).stderr ?? e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Issue 12.4: detector state per meter after four weeks (bench/state-size.ts), and the total
 *  per connected meter with its real broker connection (bench/conn-size.ts), at 10,000 meters. */
async function stateSection(): Promise<void> {
  const { stateSizeSection } = await import('./state-size.ts');
  const { connSize } = await import('./conn-size.ts');
  const fleet = Number(process.env.BENCH_STATE_METERS ?? 10_000);
  const sizes = stateSizeSection(200, 35, fleet);
  const conn = await connSize(fleet);
  console.log(`state        broker: ${(conn.heapBytes / 1024).toFixed(2)} KiB heap per connected meter (${conn.meters.toLocaleString()} mqtt.js meters over loopback, QoS 1; RSS ${(conn.rssBytes / 1024).toFixed(1)} KiB)`);
  for (const s of sizes) {
    const total = (conn.heapBytes + Math.max(s.live, s.restored)) / 1000;
    console.log(`state        per connected meter, ${s.cadence}, four weeks learned: ${total.toFixed(1)} KB (broker + detector state, heap); target ≤ 16 KB ${total <= 16 ? '✓' : '✗'}`);
  }
}
