// Where a meter's detector state goes (issue 12 item 4): bytes per meter after four weeks,
// whole and by part. `npx tsx bench/state-size.ts [meters=300] [days=35]` prints the
// breakdown; bench/run.ts calls stateSizeSection() for the headline figures.
// Heap is measured as heapUsed + arrayBuffers (typed arrays above 64 bytes keep their data
// outside the V8 heap) after a full collection, so it is what the state retains, not garbage.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultDetectorConfig } from '../src/detect/config.ts';
import type { DetectorState } from '../src/detect/detector.ts';
import type { MeterState } from '../src/detect/meter-state.ts';
import { createReplayEngine } from '../src/replay/engine.ts';
import type { Reading } from '../src/domain/reading.ts';
import { restoreDetector, snapshotRows } from '../src/service/detector-snapshot.ts';
import { simulateMeter } from '../device-sim/meter-sim.ts';
import { makeProfile, ARCHETYPES } from '../device-sim/profile.ts';
import { Rng } from '../device-sim/rng.ts';
import type { Cadence } from '../device-sim/meter.ts';
import { isMain } from '../src/cli/is-main.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DAY = 86_400_000;
const from = Date.parse('2026-01-01T00:00:00+08:00');

/** Heap (and typed-array storage) in use after two full collections. */
export function heapNow(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** `meters` simulated households of one cadence, each learned over `days` in one replay. */
export function learnFleet(cadence: Cadence, meters: number, days: number, prefix = 'z'): DetectorState {
  const engine = createReplayEngine(defaultDetectorConfig, () => {});
  const rng = new Rng(42);
  const until = from + days * DAY;
  const sims = Array.from({ length: meters }, (_, i) =>
    simulateMeter({ meterId: `${prefix}-${String(i).padStart(5, '0')}`, profile: makeProfile(ARCHETYPES[i % ARCHETYPES.length]!, rng), seed: i, cadence, from }),
  );
  // Day by day across the fleet, so the replay clock moves forward as it would live.
  for (let t = from + DAY; t <= until; t += DAY) {
    const batch: Reading[] = [];
    for (const sim of sims) {
      for (;;) {
        const r = sim.reports.next();
        if (r.done) break;
        for (const x of r.value.readings) batch.push({ meterId: sim.meterId, ts: x.ts, totalLiters: x.totalLiters, receivedAt: r.value.sendAt });
        if (r.value.sendAt >= t) break;
      }
    }
    batch.sort((a, b) => a.receivedAt - b.receivedAt);
    for (const r of batch) engine.push(r);
  }
  return engine.detector;
}

type Part = [name: string, strip: (m: any) => void];

/** The parts, in the order they are stripped (each figure is what stripping it released). */
const PARTS: Part[] = [
  ['routine: days and silences', (m) => (m.routine.days = m.routine.history = m.routine.cur = null)],
  ['routine: cached verdict', (m) => (m.routine.cache = null)],
  ['routine: rest', (m) => (m.routine = null)],
  ['flow: last hour of intervals', (m) => (m.flow.recent = null)],
  ['flow: daily maxima', (m) => (m.flow.days = m.flow.today = null)],
  ['flow: rest', (m) => (m.flow = null)],
  ['register (recent readings)', (m) => (m.register = null)],
  ['delivery (gaps, lags)', (m) => (m.delivery = null)],
  ['data gaps', (m) => (m.dataGaps = null)],
  ['reorder buffer', (m) => (m.held = null)],
  ['raised conditions', (m) => (m.active = null)],
];

export interface Breakdown {
  meters: number;
  /** The sum of the parts: everything dropping the detector released (fixed costs such as
   *  compiled code stay, and are not the meters'). */
  total: number;
  parts: { name: string; bytes: number }[];
}

/** Total and per-part bytes per meter of a detector (consumed: its state is stripped). */
export function breakdown(build: () => DetectorState): Breakdown {
  let d: DetectorState | null = build();
  const meters = d.meters.size;
  let last = heapNow();
  const parts: { name: string; bytes: number }[] = [];
  for (const [name, strip] of PARTS) {
    for (const m of d.meters.values()) strip(m);
    const now = heapNow();
    parts.push({ name, bytes: (last - now) / meters });
    last = now;
  }
  d = null;
  parts.push({ name: 'meter record, id, map entry', bytes: (last - heapNow()) / meters });
  return { meters, total: parts.reduce((n, p) => n + p.bytes, 0), parts };
}

/** A learned fleet of `n` meters as restored from its snapshots at start-up (cloned from `learned`). */
export function restoredFleet(learned: DetectorState, n: number, at: number): DetectorState {
  const rows = snapshotRows(learned, at);
  const out: typeof rows = [];
  for (let i = 0; i < n; i++) {
    const r = rows[i % rows.length]!;
    const id = `r-${String(i).padStart(5, '0')}`;
    out.push({ ...r, meterId: id, state: r.state.replace(JSON.stringify(r.meterId), JSON.stringify(id)) });
  }
  const d: DetectorState = { cfg: learned.cfg, meters: new Map() };
  const silent = { warn: () => {}, info: () => {} } as unknown as Parameters<typeof restoreDetector>[3];
  const res = restoreDetector(d, out, at, silent);
  if (res.ignored) throw new Error(`${res.ignored} snapshots did not restore`);
  return d;
}

const kib = (b: number) => `${(b / 1024).toFixed(2)} KiB`;

export function printBreakdown(title: string, b: Breakdown): void {
  console.log(`${title}: ${kib(b.total)} per meter (${b.meters} meters)`);
  for (const p of b.parts) console.log(`    ${p.name.padEnd(32)} ${String(Math.round(p.bytes)).padStart(7)} B`);
}

/** Bytes per meter of `fleet` meters restored from snapshots of `learned` (its own scope, so nothing outlives it). */
function restoredBytes(learned: DetectorState, fleet: number, at: number): number {
  const base = heapNow();
  let d: DetectorState | null = restoredFleet(learned, fleet, at);
  const per = (heapNow() - base) / d.meters.size;
  d = null;
  return per;
}

/** bench/run.ts: bytes per meter of learned detector state, learned live and as restored at 10,000 meters. */
export function stateSizeSection(meters = 200, days = 35, fleet = 10_000): { cadence: string; live: number; restored: number }[] {
  const out: { cadence: string; live: number; restored: number }[] = [];
  for (const cadence of ['15min', '1min'] as const) {
    const b = breakdown(() => learnFleet(cadence, meters, days));
    printBreakdown(`detector state, ${cadence}, learned live over ${days} days`, b);
    const restored = restoredBytes(learnFleet(cadence, 40, days, 'l'), fleet, from + days * DAY);
    console.log(`detector state, ${cadence}, ${fleet.toLocaleString()} meters restored from snapshots: ${kib(restored)} per meter`);
    out.push({ cadence, live: b.total, restored });
  }
  return out;
}

if (isMain(import.meta.url)) {
  stateSizeSection(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 35), Number(process.argv[4] ?? 10_000));
}
