// The reconnect storm (issue 12.5), measured: STORM_METERS (10,000) meters with real
// credentials connect all at once to a freshly started service (cold: empty token cache, as
// after a restart), then again after a blip (every client dropped and back at once; warm
// cache), beside aedes with an empty handler on the same backlog in the same run. Then the
// migration: the same fleet with every row still holding a scrypt hash (as before issue 12.5)
// after a restart, and the restart after that, once the rows were upgraded.
// Reported per round: time until the last meter has its CONNACK, refused CONNACKs, sockets
// dropped before a CONNACK and mqtt.js retries (a legitimate fleet should see none), the
// kernel's listen-queue overflows during the round, the service's CPU per CONNECT and its
// longest event-loop stall. Target: all 10,000 back within 5 s.
//   npm run bench -- connect          (the storm runs after the per-CONNECT figures)
//   npx tsx bench/storm.ts            (the storm alone; STORM_METERS, STORM_BACKLOG, STORM_LEGACY=0)
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openStore } from '../src/store/index.ts';
import type { Cred, FromClients, StormCounts, ToClients } from './storm-clients.ts';
import type { FromService, ServiceStats } from './storm-service.ts';
import { isMain } from '../src/cli/is-main.ts';

const N = Number(process.env.STORM_METERS ?? 10_000);
const BACKLOG = Number(process.env.STORM_BACKLOG ?? 4096);
const WORKERS = 2;
const RECONNECT_MS = 1000; // mqtt.js's default reconnectPeriod: what a refused meter waits
const TIMEOUT_MS = 120_000;

/** The kernel's count of handshakes the listen queue had no room for (whole network namespace). */
function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[i]!.split(' ');
  const values = lines[i + 1]!.split(' ');
  return Number(values[names.indexOf('ListenOverflows')] ?? 0);
}

class Service {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(env: Record<string, string>): Promise<Service> {
    const child = fork(new URL('./storm-service.ts', import.meta.url).pathname, { execArgv: ['--import', 'tsx', ...(process.env.STORM_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STORM_PROF}`] : [])], env: { ...process.env, STORM_BACKLOG: String(BACKLOG), ...env } });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`storm service exited (${code})`)));
      child.once('message', (m: FromService) => m.type === 'ready' && resolve(new Service(child, m.port)));
    });
  }

  stats(): Promise<ServiceStats> {
    return new Promise((resolve) => {
      const on = (m: FromService) => m.type === 'stats' && (this.child.off('message', on), resolve(m.stats));
      this.child.on('message', on);
      this.child.send({ type: 'stats' });
    });
  }

  async stop(): Promise<void> {
    this.child.removeAllListeners('exit');
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send({ type: 'stop' });
    await gone;
  }
}

class Fleet {
  readonly workers: Worker[];
  readonly ready: Promise<unknown>;

  constructor(creds: Cred[]) {
    // A worker does not inherit the tsx loader: a bootstrap registers it (as bench/load does).
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(new URL('./storm-clients.ts', import.meta.url).href)}); }).then(() => require('node:worker_threads').parentPort.postMessage({ type: 'loaded' }))`;
    const per = Math.ceil(creds.length / WORKERS);
    const perAddress = 100;
    this.workers = Array.from({ length: WORKERS }, (_, w) => new Worker(boot, { eval: true, workerData: { creds: creds.slice(w * per, (w + 1) * per), addressOffset: Math.ceil(per / perAddress) * w, perAddress } }));
    this.ready = Promise.all(this.workers.map((w) => new Promise((r) => w.once('message', r))));
  }

  #all<T extends FromClients['type']>(msg: ToClients, type: T): Promise<Extract<FromClients, { type: T }>[]> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<Extract<FromClients, { type: T }>>((resolve) => {
            const on = (m: FromClients) => m.type === type && (w.off('message', on), resolve(m as Extract<FromClients, { type: T }>));
            w.on('message', on);
            w.postMessage(msg);
          }),
      ),
    );
  }

  /** All at once; resolves when every client has its CONNACK (or after TIMEOUT_MS). */
  async storm(port: number): Promise<{ ms: number | undefined; counts: Omit<StormCounts, 'lastUpAt'> }> {
    const t0 = Date.now();
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), TIMEOUT_MS).unref());
    const r = await Promise.race([this.#all({ type: 'go', port, reconnectPeriod: RECONNECT_MS }, 'up'), timeout]);
    // Not all up in time: end the clients, and report how far the storm got.
    const got = r === 'timeout' ? await this.end() : r.map((m) => m.counts);
    const sum = (k: keyof StormCounts) => got.reduce((n, c) => n + c[k], 0);
    const counts = { up: sum('up'), refused: sum('refused'), dropped: sum('dropped'), retries: sum('retries') };
    return { ms: r === 'timeout' ? undefined : Math.max(...got.map((c) => c.lastUpAt)) - t0, counts };
  }

  async end(): Promise<StormCounts[]> {
    return (await this.#all({ type: 'end' }, 'ended')).map((m) => m.counts);
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

async function round(name: string, service: Service, fleet: Fleet): Promise<void> {
  await service.stats(); // resets the CPU and stall counters
  const ov0 = listenOverflows();
  const load = loadavg()[0]!.toFixed(2);
  const r = await fleet.storm(service.port);
  const s = await service.stats();
  const ov = listenOverflows() - ov0;
  const time = r.ms === undefined ? `NOT all up within ${TIMEOUT_MS / 1000} s (${r.counts.up.toLocaleString()} were)` : `${(r.ms / 1000).toFixed(2)} s to all ${N.toLocaleString()} up ${r.ms <= 5000 ? '✓' : '✗'}`;
  console.log(
    `storm        ${name.padEnd(44)} ${time}; refused ${r.counts.refused}, dropped ${r.counts.dropped}, retried ${r.counts.retries}, listen overflows ${ov} (machine-wide); ` +
      `service ${(s.cpuMs / N).toFixed(3)} ms CPU/CONNECT, longest stall ${s.maxStallMs.toFixed(0)} ms` +
      (s.upgraded ? `, ${s.upgraded} verifiers upgraded` : '') +
      (s.socketsRefused || s.connectsRefused ? `, broker refused ${s.socketsRefused} sockets / ${s.connectsRefused} CONNECTs` : '') +
      ` (load ${load})`,
  );
}

/** Blip: every client drops and comes back at once; the service (and its cache) stays up. */
async function blip(service: Service, fleet: Fleet): Promise<void> {
  await fleet.end();
  while ((await service.stats()).connected > 0) await new Promise((r) => setTimeout(r, 50));
}

export async function benchStorm(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-storm-'));
  try {
    const db = join(dir, 'anxin.db');
    const store = openStore(db);
    const creds: Cred[] = [];
    store.db.transaction(() => {
      for (let i = 0; i < N; i++) {
        const id = `s-${String(i).padStart(5, '0')}`;
        store.households.create({ id: `hh-${id}`, name: `风暴 ${i}` }, 0);
        store.households.giveConsent(`hh-${id}`, { consentedBy: 'bench', consentedAt: 0, scope: ['water-monitoring'] });
        const p = store.meters.provision(id, `hh-${id}`, 0);
        if ('error' in p) throw new Error(p.message);
        creds.push({ id, token: p.token });
      }
    })();
    store.close();
    console.log(`storm        ${N.toLocaleString()} meters provisioned; backlog ${process.env.STORM_NODE_BACKLOG === '1' ? '511 (Node default)' : BACKLOG} (net.core.somaxconn ${readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim()}); ${WORKERS} client threads, mqtt.js reconnectPeriod ${RECONNECT_MS} ms`);
    const fleet = new Fleet(creds);
    await fleet.ready;

    const systems = (process.env.STORM_SYSTEMS ?? 'aedes,anxin').split(',');
    const both = async (label: string, env: Record<string, string>) => {
      const service = await Service.start(env);
      await round(`${label}, fresh start${env.STORM_KIND === 'anxin' ? ' (cold token cache)' : ''}`, service, fleet);
      await blip(service, fleet);
      await round(`${label}, after a blip${env.STORM_KIND === 'anxin' ? ' (warm cache)' : ''}`, service, fleet);
      await fleet.end();
      await service.stop();
    };
    if (systems.includes('aedes')) await both('aedes + empty handler', { STORM_KIND: 'aedes' });
    if (systems.includes('anxin')) await both('Anxin', { STORM_KIND: 'anxin', STORM_DB: db });

    if (process.env.STORM_LEGACY !== '0') {
      // Rows as they were before issue 12.5: scrypt (N=1024), hashed on the pool, not the loop.
      const legacyDb = join(dir, 'legacy.db');
      copyFileSync(db, legacyDb);
      const { hashTokenLegacy } = await import('../src/store/meter-token.ts');
      const legacy = openStore(legacyDb);
      const set = legacy.db.prepare('UPDATE meters SET token_hash = ? WHERE id = ?');
      legacy.db.transaction(() => creds.forEach((c) => set.run(hashTokenLegacy(c.token), c.id)))();
      legacy.close();
      for (const when of ['fresh start, every row still scrypt', 'restart after that (rows upgraded)']) {
        const s = await Service.start({ STORM_KIND: 'anxin', STORM_DB: legacyDb });
        await round(`Anxin, ${when}`, s, fleet);
        await fleet.end();
        await s.stop();
      }
    }
    await fleet.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchStorm();
