// A worker thread of the reconnect-storm bench (bench/storm.ts): a slice of the fleet as real
// mqtt.js 3.1.1 clients. On 'go' every client of the slice is created in one loop, i.e. all
// at once, the way a fleet comes back after a restart; a refused or dropped attempt is
// retried by mqtt.js after `reconnectPeriod`, as a meter would. Source addresses are spread
// over 127.0.1.0/24 (all of 127/8 is loopback on Linux) so the broker's per-address cap sees
// something like a fleet, not 10,000 sockets from one host.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { MqttClient } from 'mqtt';

export interface Cred {
  id: string;
  token: string;
}
export type ToClients = { type: 'go'; port: number; reconnectPeriod: number } | { type: 'end' };
export interface StormCounts {
  /** Connected (CONNACK 0). */
  up: number;
  /** CONNACKs that refused (return code ≠ 0): a legitimate meter should see none. */
  refused: number;
  /** Sockets closed before a CONNACK (destroyed by admission, reset, timed out). */
  dropped: number;
  /** Attempts mqtt.js made again after a refusal or drop. */
  retries: number;
  /** Date.now() at the last CONNACK of this slice. */
  lastUpAt: number;
}
/** 'ended' carries the counts of the storm it ended (how far it got, if it never finished). */
export type FromClients = { type: 'up'; counts: StormCounts } | { type: 'ended'; counts: StormCounts };

const { creds, addressOffset, perAddress } = workerData as { creds: Cred[]; addressOffset: number; perAddress: number };
const post = (m: FromClients) => parentPort!.postMessage(m);
let clients: MqttClient[] = [];
let current: StormCounts = { up: 0, refused: 0, dropped: 0, retries: 0, lastUpAt: 0 };

function go(port: number, reconnectPeriod: number): void {
  const counts: StormCounts = (current = { up: 0, refused: 0, dropped: 0, retries: 0, lastUpAt: 0 });
  clients = creds.map((c, i) => {
    const a = addressOffset + Math.floor(i / perAddress);
    const localAddress = `127.0.${1 + (a >> 8)}.${1 + (a & 0xff)}`;
    const client = new MqttClient(() => net.connect({ host: '127.0.0.1', port, localAddress }), {
      protocolVersion: 4,
      clientId: c.id,
      username: c.id,
      password: c.token,
      clean: true,
      keepalive: 300,
      reconnectPeriod,
      connectTimeout: 30_000,
    });
    let upOnce = false;
    let acked = false;
    client.on('connect', () => {
      acked = true;
      if (upOnce) return;
      upOnce = true;
      counts.up++;
      counts.lastUpAt = Date.now();
      if (counts.up === creds.length) post({ type: 'up', counts });
    });
    client.on('error', (err: Error & { code?: unknown }) => {
      if (typeof err.code === 'number') counts.refused++;
    });
    client.on('close', () => {
      if (!upOnce && !acked) counts.dropped++;
      acked = false;
    });
    client.on('reconnect', () => {
      if (!upOnce) counts.retries++;
    });
    return client;
  });
}

parentPort!.on('message', (m: ToClients) => {
  if (m.type === 'go') return go(m.port, m.reconnectPeriod);
  const counts = { ...current };
  let left = clients.length;
  if (left === 0) return post({ type: 'ended', counts });
  for (const c of clients) c.end(true, () => --left === 0 && post({ type: 'ended', counts }));
  clients = [];
});
