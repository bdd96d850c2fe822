// npx tsx bench/snapshot.ts [meters=2000] — detector-state snapshots, measured (not asserted):
// a fleet with 35 days of learned state is saved to a real SQLite file in one transaction
// (the save at stop, and the periodic save before issue 12.5: the loop stops for all of it),
// then the periodic save as it runs now, sliced (src/service/snapshot-slicer.ts), with the
// longest event-loop stall seen meanwhile; then read back and validated as at start-up.
// Reports time, the stalls, database size, and the load average (the machine is shared).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { defaultDetectorConfig } from '../src/detect/config.ts';
import { createDetector, onReading, type DetectorState } from '../src/detect/detector.ts';
import { restoreDetector, snapshotRows } from '../src/service/detector-snapshot.ts';
import { createSnapshotSlicer } from '../src/service/snapshot-slicer.ts';
import { DEFAULT_LIMITS } from '../src/broker/limits.ts';
import { openStore } from '../src/store/index.ts';
import { simulateMeter } from '../device-sim/meter-sim.ts';
import { makeProfile, ARCHETYPES } from '../device-sim/profile.ts';
import { Rng } from '../device-sim/rng.ts';
import type { Cadence } from '../device-sim/meter.ts';

const DAY = 86_400_000;
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
const from = Date.parse('2026-01-01T00:00:00+08:00');
const until = from + 35 * DAY;
const fleet = Number(process.argv[2] ?? 2000);

/** 20 distinct simulated households learned over 35 days, cloned to `fleet` meters. */
function learnedFleet(cadence: Cadence): DetectorState {
  const d = createDetector(defaultDetectorConfig);
  const rng = new Rng(42);
  for (let i = 0; i < 20; i++) {
    const sim = simulateMeter({ meterId: `s-${i}`, profile: makeProfile(ARCHETYPES[i % ARCHETYPES.length]!, rng), seed: i, cadence, from });
    for (let r = sim.reports.next(); !r.done && r.value.sendAt < until; r = sim.reports.next())
      for (const x of r.value.readings) onReading(d, { meterId: sim.meterId, ts: x.ts, totalLiters: x.totalLiters, receivedAt: r.value.sendAt });
  }
  const learned = [...d.meters.values()];
  const out = createDetector(defaultDetectorConfig);
  for (let i = 0; i < fleet; i++) {
    const m = structuredClone(learned[i % learned.length]!);
    m.meterId = `m-${String(i).padStart(5, '0')}`;
    out.meters.set(m.meterId, m);
  }
  return out;
}

// argv[3]: only these cadences (e.g. 15min), argv[4]: rounds of the one-shot save (5).
const cadences = (process.argv[3]?.split(',') ?? ['15min', '1min']) as Cadence[];
const rounds = Number(process.argv[4] ?? 5);
for (const cadence of cadences) {
  const d = learnedFleet(cadence);
  const dir = mkdtempSync(join(tmpdir(), 'anxin-snap-'));
  try {
    const path = join(dir, 'anxin.db');
    const store = openStore(path);
    const times: number[] = [];
    let rows = snapshotRows(d, until);
    for (let k = 0; k < rounds; k++) {
      const t0 = performance.now();
      rows = snapshotRows(d, until);
      const t1 = performance.now();
      store.detectorSnapshots.saveAll(rows);
      times.push(performance.now() - t0, t1 - t0);
    }
    const best = Math.min(...times.filter((_, i) => i % 2 === 0));
    const encode = Math.min(...times.filter((_, i) => i % 2 === 1));
    // The periodic save now: a slice per turn, budget limits.sliceMs; the stall is measured from outside.
    const writes: number[] = [];
    const timedWrite = (r: Parameters<typeof store.detectorSnapshots.saveAll>[0]) => {
      const w0 = performance.now();
      store.detectorSnapshots.saveAll(r);
      writes.push(performance.now() - w0);
    };
    const slicer = createSnapshotSlicer({ detector: d, write: timedWrite, clock: () => until, budgetMs: DEFAULT_LIMITS.sliceMs });
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const sliced = await slicer.save();
    loop.disable();
    console.log(
      `${cadence} meters × ${fleet}: sliced save ${sliced.ms.toFixed(0)} ms wall in ${sliced.slices} slices (${(sliced.meters / sliced.slices).toFixed(1)} meters each); ` +
        `longest slice ${sliced.longestSliceMs.toFixed(1)} ms, event-loop stall p50 ${(loop.percentile(50) / 1e6).toFixed(1)} / p99 ${(loop.percentile(99) / 1e6).toFixed(1)} / max ${(loop.max / 1e6).toFixed(1)} ms (budget ${DEFAULT_LIMITS.sliceMs} ms) ` +
        `vs ${best.toFixed(0)} ms stopped in one go; writes p50 ${pct(writes, 0.5).toFixed(1)} / p99 ${pct(writes, 0.99).toFixed(1)} / max ${pct(writes, 1).toFixed(1)} ms (WAL checkpoints); load ${loadavg()[0]!.toFixed(2)}`,
    );
    const t2 = performance.now();
    const back = createDetector(defaultDetectorConfig);
    const res = restoreDetector(back, store.detectorSnapshots.list(), until, pino({ level: 'silent' }));
    const restore = performance.now() - t2;
    store.close(); // checkpoints the WAL into the file
    const json = rows.reduce((n, r) => n + r.state.length, 0);
    console.log(
      `${cadence} meters × ${fleet}: save ${best.toFixed(0)} ms (encode ${encode.toFixed(0)} ms) best of ${rounds}; ` +
        `restore + validate ${restore.toFixed(0)} ms (${res.restored} restored, ${res.ignored} ignored); ` +
        `JSON ${(json / fleet / 1024).toFixed(1)} KiB/meter, database ${(statSync(path).size / 1e6).toFixed(1)} MB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
