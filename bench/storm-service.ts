// The system under test of the reconnect-storm bench (bench/storm.ts), in its own process so
// its CPU is its own: STORM_KIND=anxin is the real service (createApp on the SQLite file
// STORM_DB, default limits unless STORM_CONFIG says otherwise), STORM_KIND=aedes is aedes 1.x
// with an empty handler (everyone authenticated) on the same listen backlog — the floor.
// Answers the parent's 'stats' with CPU used, the longest event-loop stall since the last
// 'stats', meters connected and what the broker refused.
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Aedes } from 'aedes';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';

export interface ServiceStats {
  cpuMs: number;
  maxStallMs: number;
  connected: number;
  socketsRefused: number;
  connectsRefused: number;
  upgraded: number;
}
export type FromService = { type: 'ready'; port: number; backlog: number } | { type: 'stats'; stats: ServiceStats };

const kind = process.env.STORM_KIND ?? 'anxin';
const backlog = Number(process.env.STORM_BACKLOG ?? 4096);
const send = (m: FromService) => process.send!(m);
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

let port: number;
let stats: () => Omit<ServiceStats, 'cpuMs' | 'maxStallMs'>;
let stop: () => Promise<void>;

if (kind === 'aedes') {
  const aedes = await Aedes.createBroker({ authenticate: (_c, _u, _p, done) => done(null, true) });
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog }, resolve));
  port = (server.address() as net.AddressInfo).port;
  stats = () => ({ connected: aedes.connectedClients, socketsRefused: 0, connectsRefused: 0, upgraded: 0 });
  stop = async () => {
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  };
} else {
  const extra = process.env.STORM_CONFIG ? (JSON.parse(process.env.STORM_CONFIG) as Record<string, unknown>) : {};
  // STORM_NODE_BACKLOG=1: no `mqtt.backlog` key (Node's default 511), for builds from before it existed.
  const mqtt = process.env.STORM_NODE_BACKLOG === '1' ? { port: 0, host: '127.0.0.1' } : { port: 0, host: '127.0.0.1', backlog };
  const config = parseConfig({ dbPath: process.env.STORM_DB, mqtt, http: { port: 0, host: '127.0.0.1' }, log: { level: 'error' }, ...extra });
  const app = createApp(config, { jobs: false });
  port = (await app.start()).mqttPort;
  const m = app.metrics;
  const sockets = () => (['unauthenticated-cap', 'address-cap'] as const).reduce((n, reason) => n + m.mqttSocketsRefused.get({ reason }), 0);
  const connects = () =>
    (['unknown', 'revoked', 'bad-password', 'malformed', 'verify-failed', 'locked-out'] as const).reduce((n, reason) => n + m.mqttConnectRefused.get({ reason }), 0);
  stats = () => ({ connected: app.broker()!.connectedCount(), socketsRefused: sockets(), connectsRefused: connects(), upgraded: (app.store.meters as { upgradedVerifiers?: () => number }).upgradedVerifiers?.() ?? 0 });
  stop = () => app.stop();
}

let cpu0 = process.cpuUsage();
process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') {
    setImmediate(() => {
      const c = process.cpuUsage(cpu0);
      cpu0 = process.cpuUsage();
      const maxStallMs = loop.max / 1e6;
      loop.reset();
      send({ type: 'stats', stats: { cpuMs: (c.user + c.system) / 1000, maxStallMs, ...stats() } });
    });
  }
  if (m.type === 'stop') void stop().then(() => process.exit(0));
});
send({ type: 'ready', port, backlog });
