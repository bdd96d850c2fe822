// `npx tsx bench/pipeline.ts [meters=10000] [messages=200000]` — Anxin's own cost per reading,
// without the broker or a load generator on the same two cores (issue 12: the load bench's
// QoS 1 maximum mixes both in). The pipeline after aedes, wired as src/app.ts wires it: a real
// SQLite file with group commit and the checkpoint worker, ingest (JSON → zod → plausibility →
// dedupe → consent from memory), the monitor and the detector. Each message is one reading as
// a meter publishes it (a Buffer), `meters` meters in turn at 15-minute cadence, handed over
// as the broker's onPublish does; every `window` messages wait for their commit (the PUBACKs).
// Prints CPU µs per reading (this process, both threads), the share spent in garbage
// collection, and the readings accepted. `--cpu-prof` on it gives a profile of the pipeline alone.
// Its data (3 L every 15 min, night and day) raises a leak alert on every meter inside the
// measured run, each stored in its own transaction: about 8 % of the figure, not steady state.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { pino } from 'pino';
import { defaultDetectorConfig } from '../src/detect/config.ts';
import { createIngest } from '../src/ingest/index.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { createMonitor } from '../src/service/monitor.ts';
import { openStore } from '../src/store/index.ts';

const meters = Number(process.argv[2] ?? 10_000);
const messages = Number(process.argv[3] ?? 200_000);
const window = Number(process.env.PIPELINE_WINDOW ?? 4000);
const T0 = Date.parse('2026-01-05T00:00:00+08:00');
const STEP = 15 * 60_000;

const dir = mkdtempSync(join(tmpdir(), 'anxin-pipeline-'));
const store = openStore(join(dir, 'anxin.db'), { checkpointMs: 1000, commitRows: 500 });
const logger = pino({ level: 'warn' });
const metrics = createMetrics();
let now = T0;
const monitor = createMonitor({ store, metrics, detector: defaultDetectorConfig, clock: () => now, logger, sliceMs: 4 });
const ingest = createIngest({
  logger,
  deadLetters: { add: (d) => store.writes.add(() => store.deadLetters.add(d)) },
  isProcessingAllowed: (id) => store.meters.isProcessingAllowed(id),
  onReadings: (rs) => monitor.onReadings(rs),
  onStatus: (s) => monitor.onStatus(s),
  counters: { accepted: () => {}, rejected: (reason, n) => metrics.readingsRejected.inc({ reason }, n), duplicate: (n) => metrics.readingsDuplicate.inc(undefined, n) },
});

const ids = Array.from({ length: meters }, (_, i) => `p-${String(i).padStart(5, '0')}`);
for (const [i, id] of ids.entries()) {
  const hh = `hh-${i}`;
  store.households.create({ id: hh, name: `户 ${i}`, gridId: 'grid-1' }, T0);
  store.households.giveConsent(hh, { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
  const r = store.meters.provision(id, hh, T0);
  if ('error' in r) throw new Error(r.message);
}

let gcMs = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
});

/** Bytes this process (all threads) has caused to be written to storage (Linux), or NaN. */
function writtenBytes(): number {
  try {
    return Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

async function run(n: number, from: number): Promise<{ cpuUs: number; sysUs: number; wallMs: number; written: number }> {
  const u0 = process.cpuUsage();
  const w0 = writtenBytes();
  const t0 = performance.now();
  const waits: Promise<unknown>[] = [];
  for (let k = from; k < from + n; k++) {
    const i = k % meters;
    const round = Math.floor(k / meters);
    const id = ids[i]!;
    const ts = T0 + round * STEP + i; // a reading per meter every 15 minutes
    now = ts + 5_000;
    const payload = Buffer.from(JSON.stringify({ ts, totalLiters: 1000 + round * 3 + (i % 7) }));
    if (monitor.isBusy(id)) monitor.enqueue(id, (defer) => ingest.handleSliced(id, `meters/${id}/reading`, payload, now, defer));
    else ingest.handle(id, `meters/${id}/reading`, payload, now);
    waits.push(monitor.settled(id));
    if (waits.length >= window) await Promise.all(waits.splice(0));
  }
  await Promise.all(waits);
  const u = process.cpuUsage(u0);
  return { cpuUs: u.user + u.system, sysUs: u.system, wallMs: performance.now() - t0, written: writtenBytes() - w0 };
}

try {
  await run(Math.min(messages, 2 * meters), 0); // first contact and JIT warm-up, not measured
  obs.observe({ entryTypes: ['gc'] });
  const r = await run(messages, 2 * meters);
  obs.disconnect();
  console.log(
    `pipeline (no broker), ${meters.toLocaleString()} meters, ${messages.toLocaleString()} readings: ${(r.cpuUs / messages).toFixed(1)} µs CPU per reading ` +
      `(${(r.sysUs / messages).toFixed(1)} in the kernel; ${Math.round((messages / r.wallMs) * 1000).toLocaleString()} readings/s wall), ` +
      `${(r.written / messages / 1024).toFixed(1)} KiB written to storage per reading, GC ${((gcMs / (r.cpuUs / 1000)) * 100).toFixed(0)} % of CPU; ` +
      `accepted ${metrics.readingsAccepted.get()}`,
  );
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
