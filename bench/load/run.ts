// npm run bench -- load [--meters 10000] [--phase-seconds 5] [--rates 5000,20000] …
// (also npm run bench:load). Issue 12 item 6: the real Anxin service and aedes with an empty
// handler, each in its own child process, driven one after the other by the same
// mqtt.js generator (worker threads in this process) over loopback. Prints the issue's
// table as Markdown and writes the JSON record. Ratios are the point: absolute numbers
// depend on the machine and on whatever else runs on it.
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Generator, type ConnectStats, type PhasePlan } from './generator.ts';
import { markdown, rateNames, type LoadReport, type PhaseReport, type SystemReport } from './report.ts';
import { medianOf } from './rounds.ts';
import { runOverload, type OverloadReport } from './overload.ts';
import { Target, type ProcSample } from './target.ts';

const Options = z.strictObject({
  meters: z.coerce.number().int().min(1).max(50_000).default(10_000),
  phaseSeconds: z.coerce.number().positive().max(60).default(5),
  warmupSeconds: z.coerce.number().min(0).max(30).default(1),
  rates: z
    .string()
    .default('5000,20000')
    .transform((s) => s.split(',').map(Number))
    .pipe(z.array(z.number().int().positive()).min(1)),
  /** QoS 1 publishes in flight (whole generator) at the maximum; default min(8000, 4 per meter). */
  window: z.coerce.number().int().min(1).optional(),
  workers: z.coerce.number().int().min(1).max(16).default(Math.max(2, cpus().length)),
  /** Seconds to wait for PUBACKs / handling after a phase stops sending. */
  drainSeconds: z.coerce.number().min(0).max(120).default(10),
  connectTimeoutSeconds: z.coerce.number().positive().max(600).default(60),
  /** Extra Anxin config (JSON), merged over the bench's: e.g. '{"limits":{"store":{"commitMs":2}}}'. */
  config: z.string().optional(),
  /** Rounds of (aedes, Anxin); the table shows the median of each figure. */
  rounds: z.coerce.number().int().min(1).max(9).default(1),
  out: z.string().optional(),
  only: z.enum(['anxin', 'aedes']).optional(),
  /** Overload scenario (overload.ts): seconds at 2× the QoS 1 maximum; 0 skips it. */
  overloadSeconds: z.coerce.number().min(0).max(120).default(10),
  /** …then this long at a light load (`recoveryShare` of the maximum), to see it recover. */
  recoverySeconds: z.coerce.number().positive().max(120).default(10),
  recoveryShare: z.coerce.number().positive().max(1).default(0.1),
  /** Unacknowledged QoS 1 publishes a meter allows itself while overloaded. */
  overloadWindow: z.coerce.number().int().min(1).max(1000).default(8),
  /** Before the reconnect storm, wait at most this long for every reading sent so far to be handled. */
  stormDrainSeconds: z.coerce.number().min(0).max(600).default(60),
});
type Options = z.output<typeof Options>;

const HOST = '127.0.0.1';
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parse(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      ['meters', 'phase-seconds', 'warmup-seconds', 'rates', 'window', 'workers', 'drain-seconds', 'connect-timeout-seconds', 'config', 'rounds', 'out', 'only', 'overload-seconds', 'recovery-seconds', 'recovery-share', 'overload-window', 'storm-drain-seconds'].map((k) => [k, { type: 'string' as const }]),
    ),
    strict: true,
  });
  const camel = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), v]));
  const r = Options.safeParse(camel);
  if (!r.success) throw new Error(`bad option: ${r.error.issues.map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** Each side holds N sockets (plus the tsx loader, SQLite, pipes): check the open-files limit, raise it if the hard limit allows. */
function ensureFileLimit(meters: number, argv: string[]): number | 're-exec' {
  const need = meters + 1024;
  const soft = Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim());
  if (!Number.isFinite(soft) || soft >= need) return soft || Infinity;
  const hardRaw = execSync('ulimit -Hn', { shell: '/bin/sh' }).toString().trim();
  const hard = hardRaw === 'unlimited' ? Infinity : Number(hardRaw);
  if (hard < need || process.env.ANXIN_LOAD_ULIMIT_RAISED)
    throw new Error(`${meters} meters need about ${need} open files per process; the limit is ${soft} (hard ${hardRaw}). Raise it (ulimit -n) or use --meters ${Math.max(1, soft - 1024)}.`);
  // Node cannot call setrlimit: run this script again under a shell that raised it (children inherit it).
  const target = String(Math.min(hard, need * 2));
  console.error(`raising the open-files limit ${soft} → ${target}`);
  const r = spawnSync('/bin/sh', ['-c', 'ulimit -n "$0" && exec "$@"', target, process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    env: { ...process.env, ANXIN_LOAD_ULIMIT_RAISED: '1' },
  });
  process.exitCode = r.status ?? 1;
  return 're-exec';
}

async function health(httpPort: number | undefined): Promise<number | null> {
  if (!httpPort) return null;
  const t0 = performance.now();
  try {
    await (await fetch(`http://${HOST}:${httpPort}/health`, { signal: AbortSignal.timeout(10_000) })).text();
  } catch {
    return 10_000; // no answer within 10 s (reported as 10 s)
  }
  return performance.now() - t0;
}

async function metricsCheck(httpPort: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://${HOST}:${httpPort}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(anxin_readings_(?:accepted|rejected|duplicate)_total(?:\{[^}]*\})?)\s+([\d.e+]+)/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

interface PhaseSpec {
  name: string;
  qos: 0 | 1;
  mode: 'rate' | 'max';
  rate: number;
}

/** `sentBefore`: everything the generator sent to this system in earlier phases (a backlog may still be draining). */
async function runPhase(o: Options, target: Target, gen: Generator, spec: PhaseSpec, httpPort: number | undefined, sentBefore: number): Promise<PhaseReport> {
  const start = Date.now() + 300;
  const windowFrom = start + o.warmupSeconds * 1000;
  const windowTo = windowFrom + o.phaseSeconds * 1000;
  const plan: PhasePlan = { ...spec, window: o.window ?? Math.min(8000, 4 * o.meters), start, windowFrom, windowTo, stopAt: windowTo, drainUntil: windowTo + o.drainSeconds * 1000 };
  target.open({ name: spec.name, from: windowFrom, to: windowTo });

  // CPU and RSS at the window's edges, read from /proc by this (idle) main thread.
  let p0: ProcSample | undefined, p1: ProcSample | undefined;
  let g0 = process.cpuUsage();
  let g1 = g0;
  let healthMax: number | null = null;
  const edges = [
    sleep(windowFrom - Date.now()).then(() => {
      p0 = target.proc();
      g0 = process.cpuUsage();
    }),
    sleep(windowTo - Date.now()).then(() => {
      p1 = target.proc();
      g1 = process.cpuUsage(g0);
    }),
  ];
  // Does the service still answer while loaded? (It should: operators and probes depend on it.)
  const probes = (async () => {
    if (!httpPort) return;
    await sleep(windowFrom - Date.now());
    while (Date.now() < windowTo) {
      const t = await health(httpPort);
      if (t != null) healthMax = Math.max(healthMax ?? 0, t);
      await sleep(250);
    }
  })();
  const stats = await gen.run(plan);
  await Promise.all([...edges, probes]);
  // Until every reading sent so far has been handled (nothing is lost on loopback), or the deadline.
  await target.drain(sentBefore + stats.sent, Date.now() + o.drainSeconds * 1000);
  const res = await target.result(spec.name);
  const secs = o.phaseSeconds;
  const cpuSec = p1!.cpuSec - p0!.cpuSec;
  const wall = (p1!.at - p0!.at) / 1000;
  const handled = res?.handled ?? 0;
  const sentRate = stats.sentInWindow / secs;
  const serviceCpuPct = (100 * cpuSec) / wall;
  return {
    name: spec.name,
    qos: spec.qos,
    mode: spec.mode,
    offered: spec.mode === 'rate' ? spec.rate : null,
    windowSec: secs,
    throughput: handled / secs,
    sentRate,
    generatorShort: spec.mode === 'rate' && sentRate < 0.97 * spec.rate,
    notSaturated: spec.mode === 'max' && serviceCpuPct < 85,
    latencyMs: res?.latencyMs ?? null,
    unhandled: Math.max(0, stats.sentInWindow - (res?.measured ?? 0)),
    gen: stats,
    serviceCpuPct,
    generatorCpuPct: (100 * (g1.user + g1.system)) / 1e6 / wall,
    cpuUsPerReading: handled ? (cpuSec * 1e6) / handled : null,
    serviceRssMiB: p1!.rssBytes / MiB,
    healthMaxMs: healthMax,
  };
}

/** `dir`: the bench's temporary directory for this system, kept across rounds (database, tokens). */
async function runSystem(o: Options, gen: Generator, system: SystemReport['system'], dir: string, log: (s: string) => void): Promise<SystemReport> {
  const label = system === 'anxin' ? 'Anxin' : 'aedes + empty handler';
  const env: Record<string, string> = { LOAD_METERS: String(o.meters), LOAD_DB: join(dir, 'anxin.db'), LOAD_CREDS: join(dir, 'creds.json') };
  if (o.config) env.LOAD_CONFIG = o.config;
  const target = new Target(label, system === 'anxin' ? 'service.ts' : 'aedes-empty.ts', env);
  let attached = false;
  try {
    if (system === 'anxin') log(`${label}: starting, provisioning ${o.meters} meters through POST /api/meters…`);
    const ready = await target.ready;
    if (ready.provisionMs !== undefined) log(`${label}: provisioned in ${(ready.provisionMs / 1000).toFixed(1)} s`);
    const baseline = target.proc();
    await gen.attach(HOST, ready.mqttPort, ready.meters);
    attached = true;
    const connect = await gen.connect(o.connectTimeoutSeconds * 1000);
    log(`${label}: ${connect.connected}/${o.meters} meters connected in ${(connect.ms / 1000).toFixed(1)} s (${connect.retries} retries, ${connect.failed} failed)`);
    if (connect.connected === 0) throw new Error(`${label}: no meter could connect`);
    await sleep(500);
    const connected = target.proc();
    const names = rateNames(o.rates);
    const specs: PhaseSpec[] = [
      ...o.rates.map((rate, i) => ({ name: names[i]!, qos: 1 as const, mode: 'rate' as const, rate })),
      { name: 'qos1-max', qos: 1, mode: 'max', rate: 0 },
      { name: 'qos0-max', qos: 0, mode: 'max', rate: 0 },
    ];
    const phases: PhaseReport[] = [];
    let sent = 0;
    let overload: OverloadReport | undefined;
    for (const spec of specs) {
      const p = await runPhase(o, target, gen, spec, ready.httpPort, sent);
      sent += p.gen.sent;
      phases.push(p);
      log(`${label}: ${spec.name}: ${Math.round(p.throughput)}/s handled (sent ${Math.round(p.sentRate)}/s), p50 ${p.latencyMs?.p50 ?? '–'} ms, p99 ${p.latencyMs?.p99 ?? '–'} ms, service CPU ${p.serviceCpuPct.toFixed(0)} %`);
      // The overload scenario right after the maximum it doubles (before QoS 0 can leave a backlog).
      if (spec.name === 'qos1-max' && o.overloadSeconds > 0 && p.throughput > 0) {
        // "Normal" latency: twice the p99 at the first fixed rate, at least 50 ms.
        const normalMs = Math.max(50, 2 * (phases.find((x) => x.name === names[0])?.latencyMs?.p99 ?? 25));
        const opts = { seconds: o.overloadSeconds, warmupSeconds: o.warmupSeconds, recoverySeconds: o.recoverySeconds, recoveryShare: o.recoveryShare, cap: o.overloadWindow, drainSeconds: o.drainSeconds };
        overload = await runOverload(opts, target, gen, o.window ?? Math.min(8000, 4 * o.meters), ready.httpPort, p.throughput, normalMs, sent);
        sent += overload.gen.sent;
        const v = overload;
        log(
          `${label}: overload at ${Math.round(v.offered)}/s (2 × ${Math.round(v.maxRate)}/s): delivered ${Math.round(v.delivered)}/s = ${(100 * v.deliveredShare).toFixed(0)} % of the maximum, ` +
            `RSS ${v.rssBeforeMiB.toFixed(0)} → peak ${v.rssPeakMiB.toFixed(0)} MiB, queue max ${v.queue ? `${v.queue.maxReadings} readings / ${(v.queue.maxBytes / 1024).toFixed(0)} KiB, ${v.queue.maxPaused} sockets paused` : 'n/a'}, ` +
            `recovered in ${v.recovery.ms === null ? 'not within the window' : `${(v.recovery.ms / 1000).toFixed(2)} s`} (queue ${v.recovery.queueMs ?? '–'} ms, latency ${v.recovery.latencyMs ?? '–'} ms ≤ ${v.recovery.normalMs} ms)`,
        );
      }
    }
    // The storm measures reconnecting. At the end of the QoS 0 phase, Anxin still had up to
    // ~30 s of readings in its sockets' kernel buffers (QoS 0 never waits for the service) after
    // the 10 s drain, and the storm used to start on top of that backlog: its time then varied
    // from 4.5 to 21 s with the backlog left, not with the reconnects. Wait for it (bounded)
    // and report what was left, so a backlog that never clears still shows.
    const handled = await target.drain(sent, Date.now() + o.stormDrainSeconds * 1000);
    const backlogAtStorm = Math.max(0, sent - handled);
    if (backlogAtStorm > 0) log(`${label}: ${backlogAtStorm} readings still unhandled after ${o.stormDrainSeconds} s: the reconnect storm starts on top of them`);
    const reconnect: ConnectStats = await gen.connect(o.connectTimeoutSeconds * 1000, true);
    log(`${label}: reconnect storm: ${reconnect.connected}/${o.meters} back in ${(reconnect.ms / 1000).toFixed(1)} s`);
    await sleep(500);
    const end = target.proc();
    const report: SystemReport = {
      system,
      label,
      meters: o.meters,
      connect,
      reconnect,
      rssBaselineMiB: baseline.rssBytes / MiB,
      rssConnectedMiB: connected.rssBytes / MiB,
      rssEndMiB: end.rssBytes / MiB,
      peakRssMiB: end.peakRssBytes / MiB,
      kibPerMeterConnected: (connected.rssBytes - baseline.rssBytes) / 1024 / o.meters,
      kibPerMeterAfterLoad: (end.rssBytes - baseline.rssBytes) / 1024 / o.meters,
      phases,
    };
    if (overload) report.overload = overload;
    report.backlogAtStorm = backlogAtStorm;
    if (ready.provisionMs !== undefined) report.provisionMs = ready.provisionMs;
    if (Array.isArray(ready.limits)) report.limitsApplied = ready.limits as string[];
    if (ready.httpPort) report.metricsCheck = await metricsCheck(ready.httpPort);
    return report;
  } finally {
    if (attached) await gen.detach();
    await target.stop();
  }
}

export async function main(argv: string[]): Promise<LoadReport | undefined> {
  const o = parse(argv);
  const ulimit = ensureFileLimit(o.meters, argv);
  if (ulimit === 're-exec') return undefined;
  const log = (s: string) => console.error(`[load ${new Date().toISOString().slice(11, 19)}] ${s}`);
  log(`${o.meters} meters, ${o.workers} generator threads, phases ${o.warmupSeconds} s warm-up + ${o.phaseSeconds} s measured; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const which: SystemReport['system'][] = o.only === 'anxin' ? ['anxin'] : o.only === 'aedes' ? ['aedes-empty'] : ['aedes-empty', 'anxin'];
  const dirs = Object.fromEntries(which.map((w) => [w, mkdtempSync(join(tmpdir(), `anxin-load-${w}-`))]));
  const rounds: SystemReport[][] = which.map(() => []);
  // Started once, while the first system starts: never inside a measurement.
  const gen = new Generator(Math.min(o.workers, o.meters));
  try {
    for (let r = 0; r < o.rounds; r++) {
      if (o.rounds > 1) log(`round ${r + 1} of ${o.rounds}`);
      for (const [i, w] of which.entries()) rounds[i]!.push(await runSystem(o, gen, w, dirs[w]!, log));
    }
  } finally {
    await gen.close();
    for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  }
  const systems = rounds.map(medianOf);
  const md = markdown(systems, o.rates);
  const report: LoadReport = {
    at: new Date().toISOString(),
    host: { cpus: cpus().length, loadAvg: loadavg(), node: process.version, ulimitN: ulimit },
    options: { ...o },
    systems,
    ...(o.rounds > 1 ? { rounds } : {}),
    markdown: md,
  };
  const out = resolve(o.out ?? join(dirname(fileURLToPath(import.meta.url)), 'results', `load-${report.at.replace(/[:.]/g, '-')}-n${o.meters}.json`));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\n## Load benchmark — ${o.meters.toLocaleString('en-US')} meters${o.rounds > 1 ? `, median of ${o.rounds} rounds` : ''}, load average ${loadavg()[0]!.toFixed(2)} (${cpus().length} cores)\n\n${md}\n`);
  log(`JSON record: ${out}`);
  return report;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
