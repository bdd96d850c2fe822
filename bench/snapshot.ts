// npx tsx bench/snapshot.ts [meters=2000] — detector-state snapshots, measured (not asserted):
// a fleet with 35 days of learned state is saved to a real SQLite file in one transaction,
// then read back and validated as at start-up. Reports time and database size.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultDetectorConfig } from '../src/detect/config.ts';
import { createDetector, onReading, type DetectorState } from '../src/detect/detector.ts';
import { restoreDetector, snapshotRows } from '../src/service/detector-snapshot.ts';
import { openStore } from '../src/store/index.ts';
import { simulateMeter } from '../device-sim/meter-sim.ts';
import { makeProfile, ARCHETYPES } from '../device-sim/profile.ts';
import { Rng } from '../device-sim/rng.ts';
import type { Cadence } from '../device-sim/meter.ts';

const DAY = 86_400_000;
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

for (const cadence of ['15min', '1min'] as const) {
  const d = learnedFleet(cadence);
  const dir = mkdtempSync(join(tmpdir(), 'anxin-snap-'));
  try {
    const path = join(dir, 'anxin.db');
    const store = openStore(path);
    const times: number[] = [];
    let rows = snapshotRows(d, until);
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      rows = snapshotRows(d, until);
      const t1 = performance.now();
      store.detectorSnapshots.saveAll(rows);
      times.push(performance.now() - t0, t1 - t0);
    }
    const best = Math.min(...times.filter((_, i) => i % 2 === 0));
    const encode = Math.min(...times.filter((_, i) => i % 2 === 1));
    const t2 = performance.now();
    const back = createDetector(defaultDetectorConfig);
    const res = restoreDetector(back, store.detectorSnapshots.list(), until, pino({ level: 'silent' }));
    const restore = performance.now() - t2;
    store.close(); // checkpoints the WAL into the file
    const json = rows.reduce((n, r) => n + r.state.length, 0);
    console.log(
      `${cadence} meters × ${fleet}: save ${best.toFixed(0)} ms (encode ${encode.toFixed(0)} ms) best of 5; ` +
        `restore + validate ${restore.toFixed(0)} ms (${res.restored} restored, ${res.ignored} ignored); ` +
        `JSON ${(json / fleet / 1024).toFixed(1)} KiB/meter, database ${(statSync(path).size / 1e6).toFixed(1)} MB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
