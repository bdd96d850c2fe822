// The MQTT listener: aedes on plain TCP with our auth and ACL hooks. Every
// authorized PUBLISH is handed to `onPublish` straight from the `published`
// hook; design.md measured that routing ingest through an internal MQTT
// subscription collapses throughput under load.
import type { EventEmitter } from 'node:events';
import net from 'node:net';
import { Aedes, type Client } from 'aedes';
import { pino, type Logger } from 'pino';
import { createAuthenticate, type MeterAuthenticator } from './auth.ts';
import { createAuthorizePublish, createAuthorizeSubscribe } from './acl.ts';
import { Connections } from './connections.ts';
import { Identities, SCOPED_CLIENT_ID_MAX, scopeClientId } from './identity.ts';

/** Receives every authorized publish. Must not block; a throw is logged and swallowed. */
export type OnPublish = (meterId: string, topic: string, payload: Buffer, receivedAt: number) => void;

export interface BrokerOptions {
  /** 0 picks an ephemeral port; the real one is in the result. */
  port: number;
  host?: string;
  auth: MeterAuthenticator;
  onPublish: OnPublish;
  /** Stamps `receivedAt`; injectable for tests. */
  clock?: () => number;
  logger?: Logger;
}

export interface Broker {
  port: number;
  /** Distinct meters with an open, authenticated session. */
  connectedCount(): number;
  /** Closes every live session of a meter (e.g. after revocation); returns how many. */
  disconnectMeter(meterId: string): number;
  close(): Promise<void>;
  aedes: Aedes;
}

export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  const logger = (opts.logger ?? pino({ enabled: false })).child({ component: 'broker' });
  const clock = opts.clock ?? Date.now;
  const identities = new Identities();
  const connections = new Connections();

  const aedes = await Aedes.createBroker({
    preConnect: scopeClientId,
    maxClientsIdLength: SCOPED_CLIENT_ID_MAX,
    authenticate: createAuthenticate(opts.auth, identities, logger),
    authorizePublish: createAuthorizePublish(identities, logger),
    authorizeSubscribe: createAuthorizeSubscribe(identities, logger),
    published: (packet, client, done) => {
      // Broker-internal publishes ($SYS heartbeats, client notices) have no client.
      const meterId = identities.of(client);
      if (meterId !== undefined) {
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
        try {
          opts.onPublish(meterId, packet.topic, payload, clock());
        } catch (err) {
          // An error passed to `done` would disconnect the meter; the bug is ours.
          logger.error({ meterId, topic: packet.topic, err }, 'onPublish threw');
        }
      }
      done();
    },
  });

  aedes.on('client', (client: Client) => {
    const meterId = identities.of(client);
    if (meterId !== undefined) connections.added(meterId, client);
  });
  aedes.on('clientDisconnect', (client: Client) => {
    const meterId = identities.of(client);
    if (meterId !== undefined) connections.removed(meterId, client);
  });
  aedes.on('clientError', (client: Client, err: Error) => {
    logger.info({ meterId: identities.of(client), clientId: client.id, err: err.message }, 'mqtt client error');
  });
  aedes.on('connectionError', (client: Client, err: Error) => {
    logger.debug({ clientId: client.id, err: err.message }, 'mqtt connection error before CONNECT');
  });
  // aedes emits 'error' on persistence failures; unhandled it would crash the process.
  // (Its typings omit the event, hence the upcast.)
  (aedes as EventEmitter).on('error', (err: Error) => logger.error({ err }, 'aedes error'));

  // aedes.close() only closes registered clients; sockets still before or in
  // CONNECT would otherwise hold server.close() open until connectTimeout.
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  logger.info({ port, host: opts.host }, 'mqtt broker listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    aedes,
    connectedCount: () => connections.count(),
    disconnectMeter(meterId) {
      const clients = connections.clientsOf(meterId);
      for (const client of clients) client.close();
      return clients.length;
    },
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await serverClosed;
        logger.info('mqtt broker closed');
      })();
      return closing;
    },
  };
}
