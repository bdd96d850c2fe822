// npm run bench -- connect — the cost of a CONNECT (issue 11.2, 12.5), measured:
//   verification alone: a legacy scrypt hash on the loop (before issue 11.2), on the thread
//   pool (before issue 12.5), the verified-token cache, and the fast verifier every new or
//   upgraded row holds now (one salted HMAC-SHA256, src/store/meter-token.ts);
//   real CONNECTs over loopback (mqtt.js → aedes → store): CPU of the service process per
//   CONNECT with the cache off and on;
//   an attacker's wrong passwords: CPU per attempt once backoff and lockout apply;
//   then the reconnect storm, 10,000 meters at once, cold and warm, beside aedes (bench/storm.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { startBroker } from '../src/broker/index.ts';
import { DEFAULT_LIMITS } from '../src/broker/limits.ts';
import { openStore } from '../src/store/index.ts';
import { hashTokenLegacy } from '../src/store/meter-token.ts';

const N = Number(process.env.BENCH_CONNECTS ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'anxin-bench-connect-'));

function cpuMs<T>(f: () => T): { value: T; ms: number } {
  const c0 = process.cpuUsage();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, ms: (c.user + c.system) / 1000 };
}
async function cpuMsAsync(f: () => Promise<void>): Promise<{ ms: number; wallMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, wallMs: performance.now() - t0 };
}

try {
  const store = openStore(join(dir, 'a.db'), { tokenCacheEntries: 100_000 });
  store.households.create({ id: 'h', name: 'bench' }, 0);
  store.households.giveConsent('h', { consentedBy: 'b', consentedAt: 0, scope: ['w'] });
  const tokens: string[] = [];
  for (let i = 0; i < N; i++) {
    const p = store.meters.provision(`c-${i}`, 'h', 0);
    if ('error' in p) throw new Error(p.message);
    tokens.push(p.token);
  }

  // 1. Verification alone. A copy of the database with every row on the old scrypt scheme.
  const legacy = openStore(join(dir, 'legacy.db'), { tokenCacheEntries: 100_000 });
  legacy.households.create({ id: 'h', name: 'bench' }, 0);
  legacy.households.giveConsent('h', { consentedBy: 'b', consentedAt: 0, scope: ['w'] });
  const setHash = legacy.db.prepare('UPDATE meters SET token_hash = ? WHERE id = ?');
  tokens.forEach((t, i) => (legacy.meters.provision(`c-${i}`, 'h', 0), setHash.run(hashTokenLegacy(t), `c-${i}`)));
  const sync = cpuMs(() => tokens.forEach((t, i) => legacy.meters.verify(`c-${i}`, t)));
  const loopBlocked = sync.ms / N;
  const cold = await cpuMsAsync(async () => void (await Promise.all(tokens.map((t, i) => legacy.meters.verifyAsync(`c-${i}`, t)))));
  await legacy.writes.barrier(); // the upgrades were queued: every row now holds the fast verifier
  const upgraded = legacy.meters.upgradedVerifiers();
  legacy.close();
  const cached = await cpuMsAsync(async () => void (await Promise.all(tokens.map((t, i) => store.meters.verifyAsync(`c-${i}`, t)))));
  const fast = await cpuMsAsync(async () => void (await Promise.all(tokens.map((t, i) => store.meters.verifyAsync(`c-${i}`, t)))));
  console.log(`connect      verify, legacy scrypt on the event loop (before 11.2): ${loopBlocked.toFixed(2)} ms of loop time per CONNECT`);
  console.log(`             verify, legacy scrypt on the thread pool (before 12.5): ${(cold.ms / N).toFixed(2)} ms CPU per CONNECT off the loop; ${N} at once took ${cold.wallMs.toFixed(0)} ms wall; ${upgraded} rows upgraded`);
  console.log(`             verify, fast verifier (salted HMAC-SHA256), first:    ${((cached.ms * 1000) / N).toFixed(0)} µs of CPU per CONNECT (SQLite lookup included)`);
  console.log(`             verify, fast verifier, again:                        ${((fast.ms * 1000) / N).toFixed(0)} µs of CPU per CONNECT`);

  // 2. Real CONNECTs over loopback, verified-token cache off and on (rows hold fast verifiers).
  for (const cache of [0, 100_000]) {
    const s = cache === 0 ? openStore(join(dir, 'a.db'), { tokenCacheEntries: 0 }) : store;
    const broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      auth: { verify: (id, pw) => s.meters.verifyAsync(id, pw), verifyCached: (id, pw) => s.meters.verifyCached(id, pw) },
      onPublish: () => {},
      logger: pino({ enabled: false }),
      limits: { ...DEFAULT_LIMITS.mqtt, maxConnectionsPerAddress: 1_000_000, maxUnauthenticated: 1_000_000 },
    });
    // the clients live in this process too: their cost is measured alone and subtracted
    const connectAll = async () => {
      const clients = await Promise.all(tokens.map((t, i) => mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: `c-${i}`, password: t, protocolVersion: 4, reconnectPeriod: 0 })));
      await Promise.all(clients.map((c) => c.endAsync(true)));
    };
    await connectAll(); // warm (and, with the cache on, fill it)
    const r = await cpuMsAsync(connectAll);
    console.log(`connect      ${N} real CONNECTs over loopback, token cache ${cache ? 'on ' : 'off'}: ${(r.ms / N).toFixed(2)} ms CPU per CONNECT (service + clients), ${r.wallMs.toFixed(0)} ms for all`);
    await broker.close();
    if (s !== store) s.close();
  }

  // 3. Wrong passwords for a real meter id from one address: without backoff (before) every
  //    attempt is a full scrypt; with it, hashing stops after lockoutAfterPerMeter failures.
  for (const guarded of [false, true]) {
    const broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      auth: { verify: (id, pw) => store.meters.verifyAsync(id, pw), verifyCached: (id, pw) => store.meters.verifyCached(id, pw) },
      onPublish: () => {},
      logger: pino({ enabled: false }),
      delay: (_ms, fn) => fn(), // measure CPU, not the held CONNACKs
      authLimits: guarded ? DEFAULT_LIMITS.auth : { ...DEFAULT_LIMITS.auth, lockoutAfterPerMeter: 1e5, lockoutAfterPerAddress: 1e6 },
    });
    const attack = await cpuMsAsync(async () => {
      for (let i = 0; i < N; i += 20)
        await Promise.all(Array.from({ length: 20 }, (_, k) => mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: 'c-0', password: `wrong-${i + k}`, protocolVersion: 4, reconnectPeriod: 0 }).catch(() => {})));
    });
    console.log(`connect      ${N} wrong passwords for one meter id, ${guarded ? `with lockout after ${DEFAULT_LIMITS.auth.lockoutAfterPerMeter}` : 'no lockout (before)  '}: ${(attack.ms / N).toFixed(2)} ms CPU per attempt (service + clients)`);
    await broker.close();
  }
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// 4. The reconnect storm (issue 12.5): BENCH_STORM=0 skips it.
if (process.env.BENCH_STORM !== '0') {
  const { benchStorm } = await import('./storm.ts');
  await benchStorm();
}
