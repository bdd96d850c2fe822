// `mqtt.thread: "worker"` (issue 12): the broker in a worker thread, the pipeline on the main
// thread. On the 2-core machine the load bench measured Anxin's broker layer at about what
// stock aedes costs per reading and the pipeline after it at 14–15 µs, all on one thread: the
// QoS 1 maximum could not pass what one core does with both. Here the worker runs
// startBroker (sockets, MQTT, ACL, limits, admission control) and the main thread keeps ingest,
// the detector, the store and HTTP. The seam is onPublish: publishes come over in batches,
// "settled" (processed and durable) goes back in batches, and only then does the worker send
// the PUBACK — the guarantee of the one-thread broker. Tokens are verified by the main thread's
// store (the worker asks). What the main thread reads synchronously (connected meters, the
// pipeline's depth) the worker keeps in shared memory, fresh within 50 ms.
// The default since 2026-12-03 (README, "Where Anxin's CPU per reading goes"); `mqtt.thread:
// "main"` keeps both on one thread, and is what the tests of src/broker itself exercise.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Aedes } from 'aedes';
import { pino, type Logger } from 'pino';
import type { Broker, BrokerCounters, BrokerOptions } from './broker.ts';
import { DEPTH, type ToBroker, type ToMain, type WorkerOptions } from './thread-protocol.ts';

export interface ThreadedOptions extends Omit<BrokerOptions, 'onPublish' | 'somaxconn' | 'monotonic' | 'delay' | 'acceptTurnMs'> {
  /** As BrokerOptions.onPublish; the payload arrives as its UTF-8 text. */
  onPublish: (meterId: string, topic: string, payload: string, receivedAt: number) => unknown;
  logLevel?: string;
  /** The worker died after it started (a bug, or out of memory): meters are not served. Default: log it. */
  onFailure?: (err: Error) => void;
}

/** The worker's code: tsx's loader first (a worker does not inherit it under every runner), then the entry. */
function workerCode(): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const entry = new URL('./thread-entry.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
}

export async function startThreadedBroker(opts: ThreadedOptions): Promise<Broker> {
  const logger: Logger = (opts.logger ?? pino({ enabled: false })).child({ component: 'broker' });
  const clock = opts.clock ?? Date.now;
  const counters: BrokerCounters = opts.counters ?? {};
  const shared = new SharedArrayBuffer(DEPTH.length * 8);
  const depth = new Float64Array(shared);
  const data: WorkerOptions = {
    port: opts.port,
    host: opts.host,
    backlog: opts.backlog,
    limits: opts.limits,
    authLimits: opts.authLimits,
    tls: opts.tls,
    conformance: opts.conformance,
    backpressure: opts.backpressure?.limits,
    logLevel: opts.logLevel ?? 'info',
    depth: shared,
  };
  const worker = new Worker(workerCode(), { eval: true, workerData: data });
  const post = (m: ToBroker) => worker.postMessage(m);
  const queuedNow = () => void (depth[DEPTH.mainQueued] = opts.backpressure?.queuedReadings() ?? 0);

  // Settled publishes go back once per turn, like the worker's publishes come.
  let settledIds: number[] = [];
  const flushSettled = () => {
    const ids = settledIds;
    settledIds = [];
    queuedNow();
    post({ t: 'settled', ids });
  };
  const settle = (id: number) => {
    if (settledIds.push(id) === 1) setImmediate(flushSettled);
  };

  let closed: (() => void) | undefined;
  let closing: Promise<void> | undefined;
  let failed = false;
  let exited = false;
  worker.once('exit', () => {
    exited = true;
    closed?.(); // a thread that is gone sends no 'closed': close() does not wait for it
  });
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    logger.fatal({ err }, 'mqtt broker thread failed: meters are not served');
    opts.onFailure?.(err);
  };
  const ready = new Promise<Extract<ToMain, { t: 'ready' }>>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: ToMain) => {
      switch (m.t) {
        case 'ready':
          worker.off('error', reject);
          worker.on('error', (err) => fail(err));
          worker.once('exit', (code) => closing === undefined && fail(new Error(`the mqtt broker thread exited (code ${code})`)));
          return resolve(m);
        case 'publish': {
          const receivedAt = clock();
          for (let i = 0; i < m.ids.length; i++) {
            const id = m.ids[i]!;
            let r: unknown;
            try {
              r = opts.onPublish(m.meterIds[i]!, m.topics[i]!, m.payloads[i]!, receivedAt);
            } catch (err) {
              logger.error({ meterId: m.meterIds[i], err }, 'onPublish threw');
              settle(id);
              continue;
            }
            if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function')
              (r as Promise<unknown>).then(
                () => settle(id),
                (err: unknown) => {
                  logger.error({ meterId: m.meterIds[i], err }, 'onPublish failed');
                  settle(id);
                },
              );
            else settle(id);
          }
          return queuedNow();
        }
        case 'verify':
          void Promise.resolve()
            .then(() => opts.auth.verify(m.meterId, m.password))
            .then(
              (verdict) => post({ t: 'verified', id: m.id, verdict }),
              (err: unknown) => post({ t: 'verified', id: m.id, error: String((err as Error)?.message ?? err) }),
            );
          return;
        case 'count':
          if (m.name === 'paused') return opts.backpressure?.events?.paused?.(m.arg as 'over-share' | 'ceiling');
          return (counters[m.name] as ((arg: string) => void) | undefined)?.(m.arg);
        case 'closed':
          return closed?.();
      }
    });
  });
  const info = await ready.catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });

  return {
    port: info.port,
    backlog: info.backlog,
    tlsPort: info.tlsPort,
    conformancePort: info.conformancePort,
    get aedes(): Aedes {
      throw new Error('the broker runs in a worker thread (mqtt.thread = "worker"): its aedes instance is not reachable from here');
    },
    connectedCount: () => depth[DEPTH.connected]!,
    unauthenticatedCount: () => depth[DEPTH.unauthenticated]!,
    queuedCount: () => depth[DEPTH.queuedSockets]!,
    pipeline: () => ({ readings: depth[DEPTH.readings]!, bytes: depth[DEPTH.bytes]!, pausedSockets: depth[DEPTH.pausedSockets]!, pauses: depth[DEPTH.pauses]! }),
    // Per-socket state stays in the worker; only the count of paused sockets is shared.
    isPaused: () => false,
    pollBackpressure: () => {
      queuedNow();
      post({ t: 'poll' });
    },
    disconnectMeter(meterId) {
      post({ t: 'disconnect', meterId });
      // The worker closes the sessions; how many is not known here without waiting.
      return 0;
    },
    close() {
      closing ??= (async () => {
        const done = new Promise<void>((resolve) => (closed = resolve));
        if (exited) closed!();
        else post({ t: 'close' });
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
        await worker.terminate();
        logger.info('mqtt broker thread closed');
      })();
      return closing;
    },
  };
}
