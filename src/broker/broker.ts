// The MQTT listener: aedes on plain TCP with our auth and ACL hooks, behind the limits a
// hostile peer must not get past (issue 11.1): admission (unauthenticated and per-address
// caps) and a packet-size guard on the raw socket, keepalive capped at CONNECT, a publish
// budget per meter, and admission control (backpressure.ts: the busiest sockets are not read
// while the pipeline is over its high-water mark). Every authorized PUBLISH is handed to `onPublish` from the
// `authorizePublish` hook, and the hook's callback — which gates the QoS 1 PUBACK — waits
// for the promise `onPublish` returns: aedes writes the PUBACK *before* `published` runs
// (node_modules/aedes/lib/handlers/publish.js, enqueuePublish case 1), so `published` could
// never make "acknowledged" mean "kept". design.md measured that routing ingest through an
// internal MQTT subscription collapses throughput under load; this stays a direct call.
import type { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import { pino, type Logger } from 'pino';
import { AcceptQueue } from './accept-queue.ts';
import { Admission, type AdmissionRefusal } from './admission.ts';
import { AuthBackoff } from './auth-backoff.ts';
import { Backpressure, type BackpressureEvents, type BackpressureLimits, type Depth } from './backpressure.ts';
import { createAuthenticate, type MeterAuthenticator, type Refusal } from './auth.ts';
import { createAuthorizePublish, createAuthorizeSubscribe } from './acl.ts';
import { Connections } from './connections.ts';
import { FrameScanner, guardSocket } from './frame-guard.ts';
import { Identities, SCOPED_CLIENT_ID_MAX, scopeClientId } from './identity.ts';
import { DEFAULT_LIMITS, type AuthLimits, type MqttLimits } from './limits.ts';
import { PublishLimiter } from './rate-limit.ts';
import { effectiveBacklog, readSomaxconn } from './listeners.ts';

/**
 * Receives every authorized publish. Must not block. When it returns a promise, the
 * publish is acknowledged (QoS 1 PUBACK) only once that promise settles; a throw or a
 * rejection is logged and swallowed (an error would cost the meter its connection).
 */
export type OnPublish = (meterId: string, topic: string, payload: Buffer, receivedAt: number) => unknown;

/** What the broker refused, for /metrics; the app maps these onto its counters. */
export interface BrokerCounters {
  socketRefused?(why: AdmissionRefusal): void;
  packetTooLarge?(phase: 'connect' | 'session'): void;
  connectRefused?(why: Refusal): void;
  publishLimited?(action: 'delayed' | 'disconnected'): void;
}

export interface BrokerOptions {
  /** 0 picks an ephemeral port; the real one is in the result. */
  port: number;
  host?: string;
  /** Listen backlog for the meter listeners (plain and TLS); default 4096 (listeners.ts BacklogSchema). */
  backlog?: number;
  /** The kernel's cap (net.core.somaxconn); injectable for tests, default read from /proc. */
  somaxconn?: () => number | undefined;
  auth: MeterAuthenticator;
  onPublish: OnPublish;
  /** Stamps `receivedAt`; injectable for tests. */
  clock?: () => number;
  logger?: Logger;
  limits?: MqttLimits;
  authLimits?: AuthLimits;
  /** Monotonic milliseconds for budgets and backoff (default performance.now); injectable for tests. */
  monotonic?: () => number;
  /** During a storm, new sockets are handed to aedes in turns of about this length (accept-queue.ts); default 10. */
  acceptTurnMs?: number;
  /** Holds refusal CONNACKs (default setTimeout); injectable for tests. */
  delay?: (ms: number, fn: () => void) => void;
  counters?: BrokerCounters;
  /** MQTT over TLS beside plain TCP: same hooks and limits (listeners.ts). */
  tls?: { port: number; host?: string; cert: Buffer; key: Buffer };
  /** Anonymous listener with stock aedes behaviour for conformance suites; loopback only (listeners.ts). */
  conformance?: { port: number; host: string };
  /**
   * Admission control (backpressure.ts): the readings the service holds unprocessed or
   * uncommitted; with the broker's own unsettled payload bytes it is the pipeline's depth.
   */
  backpressure?: { limits: BackpressureLimits; queuedReadings: () => number; events?: BackpressureEvents };
}

/** A session the service closes itself publishes no Last Will (a peer that drops still does). */
function dropWill(client: Client): void {
  (client as Client & { will?: unknown }).will = null;
}

export interface Broker {
  port: number;
  /** The listen backlog the kernel applies to the meter listeners (the configured one, capped by somaxconn). */
  backlog: number;
  /** Distinct meters with an open, authenticated session. */
  connectedCount(): number;
  /** Closes every live session of a meter (e.g. after revocation); returns how many. */
  disconnectMeter(meterId: string): number;
  /** Sockets open that have not authenticated yet. */
  unauthenticatedCount(): number;
  /** The pipeline's depth (readings and payload bytes not yet settled) and the sockets paused for it. */
  pipeline(): Depth & { pausedSockets: number; pauses: number };
  /** Is this meter's socket paused by admission control? (Tests and diagnostics.) */
  isPaused(meterId: string): boolean;
  /** Re-check the low-water mark now (the service's queue drained). */
  pollBackpressure(): void;
  /** Sockets accepted and waiting to be handed to aedes (accept-queue.ts). */
  queuedCount(): number;
  /** Ports of the TLS and conformance listeners, when configured. */
  tlsPort?: number;
  conformancePort?: number;
  close(): Promise<void>;
  aedes: Aedes;
}

export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  const logger = (opts.logger ?? pino({ enabled: false })).child({ component: 'broker' });
  const clock = opts.clock ?? Date.now;
  const limits = opts.limits ?? DEFAULT_LIMITS.mqtt;
  const monotonic = opts.monotonic ?? (() => performance.now());
  const counters = opts.counters ?? {};
  const identities = new Identities();
  const connections = new Connections();
  const admission = new Admission(limits);
  const limiter = new PublishLimiter(limits.publish, monotonic);
  const backoff = new AuthBackoff(opts.authLimits ?? DEFAULT_LIMITS.auth, monotonic);
  const authorize = createAuthorizePublish(identities, logger);
  const bp = opts.backpressure;
  const pressure = bp ? new Backpressure(bp.limits, bp.queuedReadings, monotonic, bp.events) : undefined;

  // Sockets of the conformance listener: anonymous, may subscribe, stock aedes rules.
  const anonymous = new WeakSet<object>();
  const isAnonymous = (client: Client | null) => client !== null && anonymous.has(client.conn as object);
  const meterAuthenticate = createAuthenticate(opts.auth, identities, logger, {
    backoff,
    delay: opts.delay,
    onAuthenticated: (client) => admission.authenticated(client.conn as net.Socket),
    onRefused: (why) => counters.connectRefused?.(why),
  });
  const meterSubscribe = createAuthorizeSubscribe(identities, logger);

  const preConnect: NonNullable<AedesOptions['preConnect']> = (client, packet, done) => {
    // MQTT 3.1.1 §3.1.2.10: keepalive 0 means "never time out"; more than the maximum is
    // as bad for a half-open socket. Both get the maximum: aedes then closes a silent
    // client after 1.5 × it [MQTT-3.1.2-24]. (3.1.1 cannot tell the client; v5 could.)
    const asked = packet.keepalive ?? 0;
    if (!(asked > 0) || asked > limits.maxKeepaliveSeconds) packet.keepalive = limits.maxKeepaliveSeconds;
    scopeClientId(client, packet, done);
  };

  /** Runs ingest, then lets aedes go on (to the PUBACK) once what it wrote is kept. */
  const ingest = (client: Client, meterId: string, packet: { topic: string; payload: Buffer | string }, finish: (err: Error | null) => void) => {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    // Admission control: the payload is in the pipeline from here until it settles.
    const socket = client.conn as net.Socket;
    pressure?.admitted(socket, payload.length);
    const done = pressure
      ? (err: Error | null) => {
          pressure.settled(socket, payload.length);
          finish(err);
        }
      : finish;
    let result: unknown;
    try {
      result = opts.onPublish(meterId, packet.topic, payload, clock());
    } catch (err) {
      // An error passed to `done` would disconnect the meter; the bug is ours.
      logger.error({ meterId, topic: packet.topic, err }, 'onPublish threw');
      return done(null);
    }
    // Its readings are counted by now: over the high-water mark, this socket may be paused.
    pressure?.check(socket);
    if (result === null || typeof result !== 'object' || typeof (result as Promise<unknown>).then !== 'function') return done(null);
    (result as Promise<unknown>).then(
      () => done(null),
      (err: unknown) => {
        logger.error({ meterId, topic: packet.topic, err }, 'onPublish failed');
        done(null);
      },
    );
  };

  const aedes = await Aedes.createBroker({
    preConnect,
    maxClientsIdLength: SCOPED_CLIENT_ID_MAX,
    connectTimeout: limits.connectTimeoutMs,
    authenticate: (client, username, password, done) => {
      if (!isAnonymous(client)) return meterAuthenticate(client, username, password, done);
      admission.authenticated(client.conn as net.Socket);
      done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      // Stock aedes: only `$SYS` is reserved; retained messages kept; nothing is ingested.
      if (isAnonymous(client)) return done(packet.topic.startsWith('$SYS') ? new Error('$SYS topic is reserved') : null);
      authorize(client, packet, (err) => {
        if (err) return done(err);
        const meterId = identities.of(client)!; // authorize refuses identity-less publishes
        const verdict = limiter.take(meterId, packet.payload.length);
        if (verdict.action === 'pass') return ingest(client!, meterId, packet, done);
        if (verdict.action === 'disconnect') {
          counters.publishLimited?.('disconnected');
          logger.warn({ meterId, waitMs: verdict.ms }, 'mqtt publish rate far over budget: disconnecting');
          return done(new Error('publish rate exceeded'));
        }
        counters.publishLimited?.('delayed');
        // Slowed: only this socket waits (aedes reads its next chunk after this callback).
        setTimeout(() => ingest(client!, meterId, packet, done), verdict.ms);
      });
    },
    authorizeSubscribe: (client, sub, done) => (isAnonymous(client) ? done(null, sub) : meterSubscribe(client, sub, done)),
    // What meters send is personal data: never forwarded to an anonymous subscriber.
    authorizeForward: (client, packet) => (isAnonymous(client) && packet.topic.startsWith('meters/') ? null : packet),
  });

  // A meter's publish goes to no one: meters cannot subscribe (acl.ts), an anonymous
  // subscriber is never forwarded meters' data (authorizeForward above), and nothing in the
  // service subscribes. Once ingested (authorizePublish) and acknowledged (enqueuePublish),
  // aedes' routing of it — a Packet copy, the persistence's subscription lookup and offline
  // enqueue (two promises), the mqemitter match, the 'publish' event — is work for nobody
  // on the hottest path (issue 12). Other publishes ($SYS, the conformance listener's) are
  // routed as before. The callback stays asynchronous, as aedes' own is: a synchronous one
  // would let the client read and parse its next chunk inside the parse of this one.
  // (At run time aedes calls it as publish(packet, client, done); its typings know only the public (packet, done).)
  type Route = (packet: unknown, client: Client | null | ((err?: Error | null) => void), done?: (err?: Error | null) => void) => void;
  const route = aedes.publish.bind(aedes) as unknown as Route;
  (aedes as unknown as { publish: Route }).publish = (packet, client, done) => {
    if (client && typeof client === 'object' && !isAnonymous(client) && identities.of(client) !== undefined) {
      if (done) process.nextTick(done, null);
      return;
    }
    route(packet, client, done);
  };

  aedes.on('client', (client: Client) => {
    const meterId = identities.of(client);
    if (meterId !== undefined) connections.added(meterId, client);
  });
  aedes.on('clientDisconnect', (client: Client) => {
    const meterId = identities.of(client);
    if (meterId !== undefined) connections.removed(meterId, client);
  });
  // The client id embeds the claimed username (identity.ts), which may be a mistyped
  // token: only an authenticated client's id is logged.
  aedes.on('clientError', (client: Client, err: Error) => {
    const meterId = identities.of(client);
    logger.info({ meterId, clientId: meterId === undefined ? undefined : client.id, err: err.message }, 'mqtt client error');
  });
  aedes.on('connectionError', (_client: Client, err: Error) => {
    logger.debug({ err: err.message }, 'mqtt connection error before CONNECT');
  });
  // aedes emits 'error' on persistence failures; unhandled it would crash the process.
  // (Its typings omit the event, hence the upcast.)
  (aedes as EventEmitter).on('error', (err: Error) => logger.error({ err }, 'aedes error'));

  // aedes.close() only closes registered clients; sockets still before or in
  // CONNECT would otherwise hold server.close() open until connectTimeout.
  const sockets = new Set<net.Socket>();
  // Set up a socket for aedes: the packet-size guard on its reads, then the MQTT client.
  const hand = (socket: net.Socket) => {
    const scanner = new FrameScanner(limits.maxPacketBytes, limits.maxConnectBytes);
    guardSocket(socket, scanner, (v) => {
      const phase = scanner.packets <= 1 ? 'connect' : 'session';
      counters.packetTooLarge?.(phase);
      logger.warn({ address: socket.remoteAddress, meterId: identities.of((socket as { client?: Client }).client ?? null), phase, ...v }, 'mqtt packet refused: connection closed');
    });
    // Outside the guard: a paused socket hands nothing to the scanner or to aedes.
    if (!anonymous.has(socket)) pressure?.attach(socket);
    aedes.handle(socket);
  };
  // A storm of sockets is handed over a few ms per turn (accept-queue.ts), never all in one.
  const queue = new AcceptQueue(hand, opts.acceptTurnMs ?? 10);
  const accept = (socket: net.Socket, conformance = false) => {
    const refused = admission.admit(socket);
    if (refused) {
      counters.socketRefused?.(refused);
      logger.warn({ address: socket.remoteAddress, refused }, 'mqtt socket refused');
      socket.destroy();
      return;
    }
    if (conformance) anonymous.add(socket);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    queue.push(socket);
  };
  const servers: net.Server[] = [];
  // Paused until handed to aedes: a queued socket reads nothing (accept-queue.ts).
  const server = net.createServer({ pauseOnConnect: true }, (socket) => accept(socket));
  servers.push(server);
  const tlsServer = opts.tls
    ? tls.createServer({ cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: limits.connectTimeoutMs, minVersion: 'TLSv1.2' }, (socket) => accept(socket))
    : undefined;
  if (tlsServer) {
    // A failed handshake (a scanner, a wrong CA) is the peer's problem, not an error of ours.
    tlsServer.on('tlsClientError', (err) => logger.info({ err: err.message }, 'mqtt tls handshake failed'));
    servers.push(tlsServer);
  }
  const conformanceServer = opts.conformance ? net.createServer({ pauseOnConnect: true }, (socket) => accept(socket, true)) : undefined;
  if (conformanceServer) servers.push(conformanceServer);

  // Sized for a fleet reconnecting at once (listeners.ts); a kernel cap below it is worth a warning.
  const backlog = opts.backlog ?? 4096;
  const wanted = effectiveBacklog(backlog, (opts.somaxconn ?? readSomaxconn)());
  if (wanted.warning) logger.warn({ backlog, somaxconn: wanted.backlog }, wanted.warning);
  const listen = (srv: net.Server, port: number, host?: string, backlog?: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      // The configured value, not the capped one: the kernel caps it itself, and uses a raised somaxconn at once.
      srv.listen({ port, host, backlog }, () => {
        srv.off('error', reject);
        const a = srv.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  let tlsPort: number | undefined;
  let conformancePort: number | undefined;
  try {
    await listen(server, opts.port, opts.host, backlog);
    if (tlsServer) tlsPort = await listen(tlsServer, opts.tls!.port, opts.tls!.host, backlog);
    if (conformanceServer) conformancePort = await listen(conformanceServer, opts.conformance!.port, opts.conformance!.host);
  } catch (err) {
    for (const srv of servers) if (srv.listening) srv.close();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw err;
  }
  if (tlsPort !== undefined) logger.info({ port: tlsPort, host: opts.tls!.host }, 'mqtt over tls listening');
  if (conformancePort !== undefined) logger.warn({ port: conformancePort, host: opts.conformance!.host }, 'mqtt conformance listener open: anonymous, for test suites only');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  logger.info({ port, host: opts.host, backlog: wanted.backlog }, 'mqtt broker listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    backlog: wanted.backlog,
    tlsPort,
    conformancePort,
    aedes,
    connectedCount: () => connections.count(),
    unauthenticatedCount: () => admission.unauthenticated,
    pipeline: () => ({ ...(pressure?.depth() ?? { readings: bp?.queuedReadings() ?? 0, bytes: 0 }), pausedSockets: pressure?.pausedCount ?? 0, pauses: pressure?.pauses ?? 0 }),
    isPaused: (meterId) => connections.clientsOf(meterId).some((c) => pressure?.isPaused(c.conn as net.Socket) ?? false),
    pollBackpressure: () => pressure?.poll(),
    queuedCount: () => queue.length,
    disconnectMeter(meterId) {
      const clients = connections.clientsOf(meterId);
      // Closed by us (a rotated or revoked token): its Last Will is not published. aedes
      // publishes it at every close without DISCONNECT, through authorizePublish into ingest,
      // so whoever held the old token could have a reading kept after the rotation.
      for (const client of clients) dropWill(client);
      for (const client of clients) client.close();
      return clients.length;
    },
    close() {
      closing ??= (async () => {
        const serverClosed = Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
        pressure?.close();
        // The service stopping is not every meter going offline: no will of ours goes to ingest.
        for (const client of Object.values((aedes as unknown as { clients: Record<string, Client> }).clients)) dropWill(client);
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await serverClosed;
        logger.info('mqtt broker closed');
      })();
      return closing;
    },
  };
}
