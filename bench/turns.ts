// `npm run bench -- turns` — the longest event-loop turn while six meters each send a
// 5,000-reading batch at once (issue 11.3; the probe that held /health for 1.7 s). The real
// service in this process: createApp on a temp SQLite file, aedes over loopback TCP, six
// mqtt.js meters, QoS 1 (each batch acknowledged once stored). Two measures of one thing:
//   - the longest gap between two consecutive check phases (a setImmediate chain: one gap
//     is one whole turn, so everything that ran synchronously in it, ingest included);
//   - perf_hooks.monitorEventLoopDelay's max (1 ms resolution), for comparison.
//   - the process's CPU time in the longest turn (process.cpuUsage): time another process
//     took the core from us is not counted, so it holds better on a shared machine;
// and first, ingest alone (validation + dedupe, no detector or store): the longest
// synchronous section for the same six batches, in one go (`handle`, as before issue 11.3's
// slicing) and sliced (`handleSliced`, each task timed), in the same run.
// Measured, not asserted. Wall-clock figures on a shared machine: read with the load average.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { createIngest, type IngestSinks } from '../src/ingest/index.ts';
import { openStore } from '../src/store/index.ts';
import { isMain } from '../src/cli/is-main.ts';

const MIN = 60_000;
const METERS = 6;
const PER_BATCH = 5000;
const ROUNDS = Number(process.env.BENCH_TURNS_ROUNDS ?? 5);

/**
 * The process's CPU time in ms (user + system, µs resolution). Time another process took the
 * core from us is not counted, so it holds on a shared machine; GC helper threads are.
 * (/proc/thread-self/schedstat is per thread but only as fine as the scheduler tick.)
 */
const threadCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Starts a setImmediate chain; stop() returns the turn lengths (ms) seen meanwhile. */
function turnClock(): { stop(): { gaps: number[]; cpu: number[] } } {
  const gaps: number[] = [];
  const cpu: number[] = [];
  let last = performance.now();
  let lastCpu = threadCpuMs();
  let running = true;
  const tick = () => {
    const now = performance.now();
    const c = threadCpuMs();
    gaps.push(now - last);
    cpu.push(c - lastCpu);
    last = now;
    lastCpu = c;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return { gaps, cpu };
    },
  };
}

/** Six batches through ingest alone: the longest synchronous section, in one go and sliced. */
function ingestSections(payloads: string[], ids: string[], receivedAt: number): { once: number; sliced: number; slices: number; median: number; p95: number } {
  const sinks = (): IngestSinks => ({
    deadLetters: { add: () => {} },
    isProcessingAllowed: () => true,
    onReadings: () => {},
    onStatus: () => {},
    counters: { accepted: () => {}, rejected: () => {}, duplicate: () => {} },
  });
  // CPU time in the section (a GC pause inside counts; preemption does not).
  const cpuMs = (task: () => void) => {
    const t0 = threadCpuMs();
    task();
    return threadCpuMs() - t0;
  };
  let once = 0;
  const a = createIngest(sinks());
  for (const [i, p] of payloads.entries()) once = Math.max(once, cpuMs(() => a.handle(ids[i]!, `meters/${ids[i]}/batch`, p, receivedAt)));
  // Sliced: every meter's tasks in one FIFO, as the service's cooperative queue runs them.
  const b = createIngest(sinks());
  const queue: (() => void)[] = [];
  const each: number[] = [];
  const timed = (task: () => void) => void each.push(cpuMs(task));
  // (absent before issue 11.3's slicing: then only the whole-message figure is printed)
  if (!('handleSliced' in b)) return { once, sliced: NaN, slices: 0, median: NaN, p95: NaN };
  for (const [i, p] of payloads.entries()) timed(() => void b.handleSliced(ids[i]!, `meters/${ids[i]}/batch`, p, receivedAt, (t) => void queue.push(t)));
  for (let t = queue.shift(); t; t = queue.shift()) timed(t);
  return { once, sliced: Math.max(...each), slices: each.length, median: pct(each, 0.5), p95: pct(each, 0.95) };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

export async function benchTurns(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-bench-turns-'));
  const dbPath = join(dir, 'anxin.db');
  const start = Date.now() - 40 * 86_400_000;
  const ids = Array.from({ length: METERS }, (_, i) => `t-${i}`);
  const tokens = new Map<string, string>();
  const seed = openStore(dbPath);
  for (const id of ids) {
    seed.households.create({ id: `h-${id}`, name: `住户 ${id}` }, start);
    seed.households.giveConsent(`h-${id}`, { consentedBy: '本人', consentedAt: start, scope: ['water-monitoring'] });
    const p = seed.meters.provision(id, `h-${id}`, start);
    if ('error' in p) throw new Error(p.message);
    tokens.set(id, p.token);
  }
  seed.close();
  const config = parseConfig({
    dbPath,
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    limits: { mqtt: { publish: { ratePerSecond: 100_000, burst: 1_000_000, bytesPerSecond: 1 << 30, burstBytes: 1 << 30 } } },
  });
  const app = createApp(config, { jobs: false, logger: pino({ enabled: false }) });
  const clients: MqttClient[] = [];
  try {
    const { mqttPort } = await app.start();
    for (const id of ids) clients.push(await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: id, password: tokens.get(id)!, protocolVersion: 4, reconnectPeriod: 0 }));
    const payload = (round: number) =>
      JSON.stringify({ readings: Array.from({ length: PER_BATCH }, (_, k) => ({ ts: start + (round * PER_BATCH + k) * MIN, totalLiters: 1000 + (round * PER_BATCH + k) * 0.5 })) });
    // Warm the JIT on one round, then measure ROUNDS rounds of six batches at once.
    await Promise.all(clients.map((c, i) => c.publishAsync(`meters/${ids[i]}/batch`, payload(0), { qos: 1 })));
    // Ingest alone first (validation + dedupe), 8 rounds.
    const sections = Array.from({ length: 8 }, (_, r) => ingestSections(ids.map(() => payload(r + 100)), ids, Date.now()));
    const med = (k: 'once' | 'sliced' | 'median' | 'p95') => pct(sections.map((x) => x[k]), 0.5);
    console.log(`ingest       ${METERS} × ${PER_BATCH.toLocaleString()}-reading batches, validation + dedupe, CPU per synchronous section (median of 8 rounds), load ${loadavg().map((x) => x.toFixed(2)).join(' ')}:`);
    console.log(`             in one go (as before): longest ${med('once').toFixed(1)} ms; sliced: longest ${med('sliced').toFixed(1)} ms, p95 ${med('p95').toFixed(2)} ms, median ${med('median').toFixed(2)} ms (${sections[0]!.slices} slices)`);
    const worst: number[] = [];
    const worstCpu: number[] = [];
    const p99: number[] = [];
    const elds: number[] = [];
    const wall: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const p = payload(round);
      const eld = monitorEventLoopDelay({ resolution: 1 });
      eld.enable();
      const clock = turnClock();
      const t0 = performance.now();
      await Promise.all(clients.map((c, i) => c.publishAsync(`meters/${ids[i]}/batch`, p, { qos: 1 })));
      wall.push(performance.now() - t0);
      const { gaps, cpu } = clock.stop();
      eld.disable();
      worst.push(Math.max(...gaps));
      worstCpu.push(Math.max(...cpu));
      p99.push(pct(gaps, 0.99));
      elds.push(eld.max / 1e6);
    }
    const f = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' / ');
    console.log(`turns        ${METERS} × ${PER_BATCH.toLocaleString()}-reading batches at once (QoS 1, real SQLite), ${ROUNDS} rounds, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}:`);
    console.log(`             worst turn ms: ${f(worst)} (median of rounds ${pct(worst, 0.5).toFixed(1)}); event-loop delay max ms: ${f(elds)}`);
    console.log(`             CPU in the longest turn ms: ${f(worstCpu)} (median of rounds ${pct(worstCpu, 0.5).toFixed(1)}); p99 turn ms: ${f(p99)}`);
    console.log(`             all six acknowledged after ms: ${f(wall)}`);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchTurns();
