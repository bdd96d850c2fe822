// npm run bench -- connect — the cost of a CONNECT (issue 11.2, 12.5), measured:
//   verification alone: scrypt on the loop (before), scrypt on the thread pool, and the
//   verified-token cache (a keyed HMAC);
//   real CONNECTs over loopback (mqtt.js → aedes → store): CPU of the service process per
//   CONNECT with the cache off and on;
//   an attacker's wrong passwords: CPU per attempt once backoff and lockout apply.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { startBroker } from '../src/broker/index.ts';
import { DEFAULT_LIMITS } from '../src/broker/limits.ts';
import { openStore } from '../src/store/index.ts';

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

  // 1. Verification alone.
  const sync = cpuMs(() => tokens.forEach((t, i) => store.meters.verify(`c-${i}`, t)));
  const loopBlocked = sync.ms / N;
  const cold = await cpuMsAsync(async () => void (await Promise.all(tokens.map((t, i) => store.meters.verifyAsync(`c-${i}`, t)))));
  const warm = await cpuMsAsync(async () => void (await Promise.all(tokens.map((t, i) => store.meters.verifyAsync(`c-${i}`, t)))));
  console.log(`connect      verify, scrypt on the event loop (before): ${loopBlocked.toFixed(2)} ms of loop time per CONNECT`);
  console.log(`             verify, scrypt on the thread pool (cold):  ${(cold.ms / N).toFixed(2)} ms CPU per CONNECT off the loop; ${N} at once took ${cold.wallMs.toFixed(0)} ms wall`);
  console.log(`             verify, cached token (HMAC):               ${((warm.ms * 1000) / N).toFixed(0)} µs of CPU per CONNECT`);

  // 2. Real CONNECTs over loopback, cache off (every one hashes) and on.
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
