// The real Anxin service in its own process, for the load bench: createApp with a real
// SQLite file, MQTT and HTTP on loopback ephemeral ports, jobs on, meters provisioned through
// the HTTP API (the same requests an operator makes, so any cache the service keeps is
// invalidated the normal way). The parent measures this process's CPU and RSS from /proc.
//
// Reading-to-detector latency without touching src/: this wrapper replaces
// `app.monitor.onReadings` from the outside (ingest calls it through the monitor object),
// and records each reading when the call has finished — or, if the monitor returns a
// promise (a queued/group-committed pipeline), when that promise settles.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { meterId } from './fleet.ts';
import { benchLimits, deepMerge } from './limits.ts';
import { Recorder, serveParent, type FromChild } from './recorder.ts';

const send = (m: FromChild) => process.send?.(m);
try {
  const meters = Number(process.env.LOAD_METERS ?? 0);
  const dbPath = process.env.LOAD_DB ?? ':memory:';
  // Later rounds reuse the database and the tokens of the first (provisioning is scrypt per meter).
  const credsFile = process.env.LOAD_CREDS;
  const reuse = credsFile !== undefined && existsSync(credsFile);
  const extra = process.env.LOAD_CONFIG ? (JSON.parse(process.env.LOAD_CONFIG) as Record<string, unknown>) : {};
  const limits = benchLimits();
  const config = parseConfig(
    deepMerge(
      {
        dbPath,
        mqtt: { port: 0, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
        log: { level: 'warn' },
        ...limits.config,
      },
      extra,
    ),
  );
  const app = createApp(config);

  const rec = new Recorder();
  const original = app.monitor.onReadings.bind(app.monitor);
  const seen = (readings: Reading[]) => {
    const now = Date.now();
    for (const r of readings) rec.saw(r.ts, now);
  };
  // See the header: an outside wrapper, so the bench needs no hook in src/.
  app.monitor.onReadings = ((readings: Reading[]) => {
    const out = original(readings) as unknown;
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      (out as Promise<unknown>).then(() => seen(readings), () => seen(readings));
    } else seen(readings);
    return out;
  }) as typeof app.monitor.onReadings;

  // Provisioning: one household per meter, with consent, through the API; the token comes back once.
  let creds: { id: string; token: string }[] = [];
  const t0 = performance.now();
  if (reuse) creds = JSON.parse(readFileSync(credsFile!, 'utf8')) as typeof creds;
  else {
    for (let i = 0; i < meters; i++) {
      const id = meterId(i);
      const h = await app.http.inject({ method: 'POST', url: '/api/households', payload: { id: `hh-${id}`, name: `负载测试 ${i}` } });
      if (h.statusCode !== 201) throw new Error(`POST /api/households → ${h.statusCode} ${h.body}`);
      const c = await app.http.inject({ method: 'POST', url: `/api/households/hh-${id}/consent`, payload: { consentedBy: 'load bench', scope: ['water-monitoring'] } });
      if (c.statusCode !== 200) throw new Error(`POST consent → ${c.statusCode} ${c.body}`);
      const m = await app.http.inject({ method: 'POST', url: '/api/meters', payload: { meterId: id, householdId: `hh-${id}` } });
      if (m.statusCode !== 201) throw new Error(`POST /api/meters → ${m.statusCode} ${m.body}`);
      creds.push({ id, token: (m.json() as { token: string }).token });
    }
    // Only the bench's own temporary directory; removed at the end of the run.
    if (credsFile) writeFileSync(credsFile, JSON.stringify(creds), { mode: 0o600 });
  }
  const provisionMs = reuse ? undefined : Math.round(performance.now() - t0);
  const ports = await app.start();
  // LOAD_HEAP_SAMPLE=FILE: V8's sampling heap profiler from here for LOAD_HEAP_SAMPLE_SECONDS (default 20),
  // including objects a major GC collected: what fills the old space between major GCs (their
  // marking is what stalls the loop on 2 busy cores). Read it with bench/load/heapsample.ts.
  if (process.env.LOAD_HEAP_SAMPLE) {
    const { Session } = await import('node:inspector/promises');
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true });
    setTimeout(() => {
      void session.post('HeapProfiler.stopSampling').then(({ profile }) => writeFileSync(process.env.LOAD_HEAP_SAMPLE!, JSON.stringify(profile)));
    }, 1000 * Number(process.env.LOAD_HEAP_SAMPLE_SECONDS ?? 20)).unref();
  }
  // LOAD_TRACE=1: every 500 ms on stderr, the event-loop utilization and longest stall, the main thread's own CPU
  // (user+system, % of a core, from /proc: its share of the process's), the pipeline's depth
  // (readings waiting, those of them in the group commit, sockets paused, pauses so far) and the
  // readings handled. A CPU profile's "(idle)" is not the loop waiting (cpuprofile.ts says why):
  // an utilization of 1.00 with the main thread under 100 % of a core means it was runnable but
  // not on a core (the generator and the GC threads share the 2 cores).
  if (process.env.LOAD_TRACE) {
    const tid = `/proc/self/task/${process.pid}/stat`;
    const cpu = () => readFileSync(tid, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number) as [number, number];
    let elu = performance.eventLoopUtilization();
    let [u0, s0] = cpu();
    let at = Date.now();
    let handled = 0;
    const wal = () => (existsSync(`${dbPath}-wal`) ? ` wal=${Math.round(statSync(`${dbPath}-wal`).size / 2 ** 20)}MiB` : '');
    // The longest event-loop stall in each window (a turn that kept everything else waiting).
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    setInterval(() => {
      const e = performance.eventLoopUtilization(elu);
      elu = performance.eventLoopUtilization();
      const [u, s] = cpu();
      const ticks = (Date.now() - at) / 10; // USER_HZ 100
      const p = app.broker()?.pipeline();
      process.stderr.write(
        `trace ${new Date().toISOString().slice(11, 23)} elu=${e.utilization.toFixed(2)} main=u${Math.round((100 * (u - u0)) / ticks)}+s${Math.round((100 * (s - s0)) / ticks)}% ` +
          `queued=${app.monitor.queuedReadings} committing=${app.store.writes.pendingRows} paused=${p?.pausedSockets} pauses=${p?.pauses} handled=${rec.total - handled} lagMax=${Math.round(lag.max / 1e6)}ms${wal()}\n`,
      );
      lag.reset();
      [u0, s0, at, handled] = [u, s, Date.now(), rec.total];
    }, 500).unref();
  }
  // The overload scenario polls the depth every ~100 ms: over IPC, not GET /metrics, which at
  // 10,000 sockets costs ~14 ms of this event loop a scrape (prom-client lists every open fd
  // and handle): polled that often it took ~12 % of the loop from the recovery it measures.
  serveParent(
    rec,
    () => app.stop(),
    () => {
      const p = app.broker()?.pipeline();
      const mem = process.memoryUsage();
      return { readings: p?.readings ?? app.monitor.queuedReadings, bytes: p?.bytes ?? 0, paused: p?.pausedSockets ?? 0, heap: mem.heapUsed, external: mem.external };
    },
  );
  send({ type: 'ready', mqttPort: ports.mqttPort, httpPort: ports.httpPort, meters: creds, ...(provisionMs === undefined ? {} : { provisionMs }), limits: limits.applied });
} catch (err) {
  send({ type: 'fatal', message: (err as Error).stack ?? String(err) });
  process.exit(1);
}
