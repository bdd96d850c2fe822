// What one connected meter costs the broker (issue 12 item 4): the real broker (src/broker,
// aedes over loopback TCP with our auth, ACL and limits) in this process, N mqtt.js meters in a
// child process (so their memory is not counted here), each connected with QoS 1 and having
// published one reading. `npx tsx bench/conn-size.ts [meters=10000]`; bench/run.ts calls
// connSize() for the per-connected-meter total.
import { fork } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { startBroker } from '../src/broker/index.ts';
import { DEFAULT_LIMITS } from '../src/broker/limits.ts';
import { isMain } from '../src/cli/is-main.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface ConnSize {
  meters: number;
  /** V8 heap + typed-array storage per connection, after a full collection. */
  heapBytes: number;
  rssBytes: number;
}

function sample(): { heap: number; rss: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
}

/** The child: connect `n` meters to `port`, publish one reading each, report, wait to be told to quit. */
async function clients(port: number, n: number, prefix: string): Promise<void> {
  const all: mqtt.MqttClient[] = [];
  for (let i = 0; i < n; i += 200) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(200, n - i) }, (_, k) =>
        mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: `${prefix}-${i + k}`, password: 'x'.repeat(32), clientId: `${prefix}-${i + k}`, protocolVersion: 4, reconnectPeriod: 0, keepalive: 300 }),
      ),
    );
    await Promise.all(batch.map((c, k) => c.publishAsync(`meters/${prefix}-${i + k}/reading`, JSON.stringify({ ts: Date.now(), totalLiters: 1000 + k }), { qos: 1 })));
    all.push(...batch);
  }
  process.send!({ connected: all.length });
  process.on('message', async () => {
    await Promise.all(all.map((c) => c.endAsync(true)));
    process.exit(0);
  });
}

/** Connections made and closed before the baseline sample. */
const WARM_UP = 500;

/** `n` meters connected from a child process, each having published one reading. */
async function fleet(port: number, n: number, prefix: string): Promise<{ connected: number; quit: () => Promise<void> }> {
  const child = fork(new URL(import.meta.url).pathname, ['--clients', String(port), String(n), prefix], { execArgv: ['--import', 'tsx'] });
  const connected = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { connected: number }) => resolve(m.connected));
    child.once('exit', (code) => reject(new Error(`clients exited with ${code}`)));
  });
  const quit = async () => {
    const gone = new Promise((r) => child.once('exit', r));
    child.send('quit');
    await gone;
  };
  return { connected, quit };
}

export async function connSize(n = 10_000): Promise<ConnSize> {
  let seen = 0;
  const broker = await startBroker({
    port: 0,
    host: '127.0.0.1',
    auth: { verify: () => 'ok', verifyCached: () => 'ok' },
    onPublish: () => void seen++,
    logger: pino({ enabled: false }),
    limits: { ...DEFAULT_LIMITS.mqtt, maxConnectionsPerAddress: 1_000_000, maxUnauthenticated: 1_000_000 },
  });
  try {
    // A warm-up fleet first, connected and gone before the baseline: what the process builds
    // once, on its first connections, is not a meter's cost. mqtt-packet fills its cache of
    // 65,536 two-byte Buffers (about 7 MB) on the first packet it writes, and the broker's
    // code is compiled and optimised on its first few hundred connections; without this they
    // were charged to the measured meters (about 0.7 KB each at 10,000).
    const warm = await fleet(broker.port, WARM_UP, 'w');
    await warm.quit();
    const before = sample();
    const measured = await fleet(broker.port, n, 'c');
    await new Promise((r) => setTimeout(r, 500)); // let the last PUBACKs and handshakes settle
    const after = sample();
    await measured.quit();
    if (seen < WARM_UP + measured.connected) throw new Error(`only ${seen} of ${WARM_UP + measured.connected} readings arrived`);
    return { meters: measured.connected, heapBytes: (after.heap - before.heap) / measured.connected, rssBytes: (after.rss - before.rss) / measured.connected };
  } finally {
    await broker.close();
  }
}

if (process.argv[2] === '--clients') await clients(Number(process.argv[3]), Number(process.argv[4]), process.argv[5] ?? 'c');
else if (isMain(import.meta.url)) {
  const r = await connSize(Number(process.argv[2] ?? 10_000));
  console.log(`broker, ${r.meters} connected meters: ${(r.heapBytes / 1024).toFixed(2)} KiB heap per connection, ${(r.rssBytes / 1024).toFixed(2)} KiB RSS`);
}
