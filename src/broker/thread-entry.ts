// The broker's side of `mqtt.thread: "worker"` (threaded.ts holds the main thread's side and
// the reasons). It runs the same startBroker — aedes, the frame guard, ACL, publish budget,
// admission control — in this worker thread, and hands each authorized publish to the main
// thread, where ingest, the detector and the store run. Nothing personal is decided here: the
// token is checked by the main thread's store, and a PUBACK leaves only when the main thread
// says the publish is processed and durable (the same guarantee as in one thread).
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { startBroker } from './broker.ts';
import type { Verdict } from './auth.ts';
import { DEPTH, type ToBroker, type ToMain, type WorkerOptions } from './thread-protocol.ts';

const port = parentPort!;
const opts = workerData as WorkerOptions;
const depth = new Float64Array(opts.depth);
const send = (m: ToMain) => port.postMessage(m);
const logger = pino({ level: opts.logLevel }).child({ thread: 'mqtt' });

let nextId = 0;
const verifying = new Map<number, { resolve: (v: Verdict) => void; reject: (err: Error) => void }>();
const settling = new Map<number, () => void>();
// Tokens verified by the main thread, as digests, for verifyCached (auth.ts: a known-good token
// still gets in while its meter id is locked out). Dropped when the main thread disconnects the
// meter (revocation, a new token).
const verified = new Map<string, string>();
const digest = (token: string) => createHash('sha256').update(token).digest('base64');

// Publishes leave in one message per turn: one postMessage (a structured clone) per reading
// would cost more than the thread saves.
let outbox: Extract<ToMain, { t: 'publish' }> = { t: 'publish', ids: [], meterIds: [], topics: [], payloads: [] };
let scheduled = false;
const flush = () => {
  scheduled = false;
  const batch = outbox;
  outbox = { t: 'publish', ids: [], meterIds: [], topics: [], payloads: [] };
  send(batch);
};

// The listeners' and limits' settings go to startBroker as they came; the rest is this thread's.
const { depth: _shared, logLevel: _level, backpressure: pressureLimits, ...listening } = opts;
const broker = await startBroker({
  ...listening,
  logger,
  auth: {
    verify: (meterId, password) =>
      new Promise<Verdict>((resolve, reject) => {
        const id = ++nextId;
        const ok = (v: Verdict) => {
          if (v === 'ok') verified.set(meterId, digest(password));
          resolve(v);
        };
        verifying.set(id, { resolve: ok, reject });
        send({ t: 'verify', id, meterId, password });
      }),
    verifyCached: (meterId, password) => (verified.get(meterId) === digest(password) ? 'ok' : undefined),
  },
  onPublish: (meterId, topic, payload) => {
    const id = ++nextId;
    outbox.ids.push(id);
    outbox.meterIds.push(meterId);
    outbox.topics.push(topic);
    // A string, not the Buffer: a Buffer is a view of the socket's chunk, and cloning it would
    // copy the whole chunk. Ingest reads the payload as UTF-8 text anyway.
    outbox.payloads.push(payload.toString('utf8'));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return new Promise<void>((resolve) => settling.set(id, resolve));
  },
  backpressure: pressureLimits && {
    limits: pressureLimits,
    // The main thread's count, or the publishes not settled yet if more (those still crossing
    // to the main thread are not in its count; each holds at least one reading).
    queuedReadings: () => Math.max(depth[DEPTH.mainQueued]!, settling.size),
    events: { paused: (reason) => send({ t: 'count', name: 'paused', arg: reason }) },
  },
  counters: {
    socketRefused: (why) => send({ t: 'count', name: 'socketRefused', arg: why }),
    packetTooLarge: (phase) => send({ t: 'count', name: 'packetTooLarge', arg: phase }),
    connectRefused: (why) => send({ t: 'count', name: 'connectRefused', arg: why }),
    publishLimited: (action) => send({ t: 'count', name: 'publishLimited', arg: action }),
  },
});

// What the main thread reads synchronously (Broker.connectedCount() and the rest), kept fresh
// here: cheap enough every 50 ms, and on every connect and disconnect.
const publish = () => {
  const p = broker.pipeline();
  depth[DEPTH.connected] = broker.connectedCount();
  depth[DEPTH.unauthenticated] = broker.unauthenticatedCount();
  depth[DEPTH.queuedSockets] = broker.queuedCount();
  depth[DEPTH.readings] = p.readings;
  depth[DEPTH.bytes] = p.bytes;
  depth[DEPTH.pausedSockets] = p.pausedSockets;
  depth[DEPTH.pauses] = p.pauses;
};
const refresh = setInterval(publish, 50);
broker.aedes.on('client', publish);
broker.aedes.on('clientDisconnect', publish);
publish();

port.on('message', (m: ToBroker) => {
  switch (m.t) {
    case 'settled':
      for (const id of m.ids) {
        const done = settling.get(id);
        settling.delete(id);
        done?.();
      }
      return;
    case 'verified': {
      const v = verifying.get(m.id);
      verifying.delete(m.id);
      if (m.verdict) v?.resolve(m.verdict);
      else v?.reject(new Error(m.error ?? 'verification failed'));
      return;
    }
    case 'disconnect':
      verified.delete(m.meterId);
      broker.disconnectMeter(m.meterId);
      return publish();
    case 'poll':
      return broker.pollBackpressure();
    case 'close':
      clearInterval(refresh);
      void broker.close().then(() => send({ t: 'closed' }));
      return;
  }
});
send({ t: 'ready', port: broker.port, backlog: broker.backlog, tlsPort: broker.tlsPort, conformancePort: broker.conformancePort });
