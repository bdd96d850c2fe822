// One generator thread: a slice of the simulated meters, each a real mqtt.js 3.1.1 client
// over TCP to 127.0.0.1 with its own credentials. Driven by the bench's main thread
// (generator.ts); several of these run in parallel so one JS thread is not the bottleneck.
import { parentPort } from 'node:worker_threads';
import mqtt, { type MqttClient } from 'mqtt';
import { SimMeter } from './fleet.ts';
import type { PhasePlan, ToWorker, FromWorker, RunStats, ConnectStats } from './generator.ts';

interface Sim {
  meter: SimMeter;
  token: string;
  client?: MqttClient;
  up: boolean;
  inflight: number;
}

// Set by 'attach' for each system under test (the same worker drives one, then the other).
let host = '127.0.0.1';
let port = 0;
let sims: Sim[] = [];
const post = (m: FromWorker) => parentPort!.postMessage(m);
let drops = 0;

function connectOne(s: Sim, deadline: number, stats: { retries: number; failed: number; refused: number }): Promise<void> {
  return new Promise((resolve) => {
    const attempt = () => {
      const c = mqtt.connect({
        host,
        port,
        protocolVersion: 4,
        clientId: s.meter.id,
        username: s.meter.id,
        password: s.token,
        clean: true,
        keepalive: 120,
        reconnectPeriod: 0,
        connectTimeout: 30_000,
      });
      let settled = false;
      const retry = (why: 'error' | 'refused') => {
        if (settled) return;
        settled = true;
        c.removeAllListeners();
        c.on('error', () => {});
        c.end(true);
        if (why === 'refused') stats.refused++;
        if (Date.now() > deadline) {
          stats.failed++;
          return resolve();
        }
        stats.retries++;
        // What a meter does after a failed attempt: back off a little, with jitter.
        setTimeout(attempt, 250 + Math.random() * 750);
      };
      c.once('connect', () => {
        settled = true;
        s.client = c;
        s.up = true;
        s.inflight = 0;
        c.on('close', () => {
          if (s.up) drops++;
          s.up = false;
        });
        resolve();
      });
      c.on('error', (err: Error & { code?: number }) => retry(typeof err.code === 'number' ? 'refused' : 'error'));
      c.on('close', () => retry('error'));
    };
    attempt();
  });
}

async function connectAll(timeoutMs: number): Promise<ConnectStats> {
  const t0 = performance.now();
  const stats = { retries: 0, failed: 0, refused: 0 };
  await Promise.all(sims.map((s) => connectOne(s, Date.now() + timeoutMs, stats)));
  return { ms: Math.round(performance.now() - t0), connected: sims.filter((s) => s.up).length, ...stats };
}

/** A network blip: every socket dies at once (no DISCONNECT), then every meter reconnects. */
async function blip(timeoutMs: number): Promise<ConnectStats> {
  for (const s of sims) {
    s.up = false;
    s.client?.removeAllListeners('close');
    s.client?.on('error', () => {});
    s.client?.stream.destroy();
    s.client?.end(true);
    s.client = undefined;
  }
  await new Promise((r) => setTimeout(r, 300));
  return connectAll(timeoutMs);
}

function run(p: PhasePlan): Promise<RunStats> {
  return new Promise((resolve) => {
    const st: RunStats = { sent: 0, sentInWindow: 0, acked: 0, ackErrors: 0, unacked: 0, drops: 0, heldBack: 0 };
    // Readings offered by `now` (rate phases): `rate`/s, or after `dropAt` `rateAfter`/s.
    const offeredBy = (now: number) => {
      const t = Math.max(0, now - p.start);
      if (p.dropAt === undefined || now <= p.dropAt) return (p.rate * t) / 1000;
      return (p.rate * (p.dropAt - p.start) + (p.rateAfter ?? 0) * (now - p.dropAt)) / 1000;
    };
    const live = sims.filter((s) => s.up);
    const perClient = Math.max(1, Math.ceil(p.window / Math.max(1, live.length)));
    let rr = 0;
    let outstanding = 0;
    let stopped = false;
    const finish = () => {
      // QoS 1: wait for the PUBACKs still due, up to the drain deadline.
      const check = () => {
        if (p.qos === 0 || outstanding === 0 || Date.now() >= p.drainUntil) {
          st.unacked = p.qos === 1 ? outstanding : 0;
          resolve(st);
        } else setTimeout(check, 20);
      };
      check();
    };
    const pump = () => {
      const now = Date.now();
      if (now >= p.stopAt) {
        stopped = true;
        return finish();
      }
      if (now < p.start) return void setTimeout(pump, Math.min(50, p.start - now));
      let budget = p.mode === 'rate' ? Math.min(2000, Math.floor(offeredBy(now)) - st.sent - st.heldBack) : 2000;
      let skipped = 0;
      while (budget > 0 && skipped < live.length) {
        const s = live[rr]!;
        rr = (rr + 1) % live.length;
        if (!s.up || !s.meter.canSend(now)) {
          skipped++;
          continue;
        }
        // At the maximum the generator is closed-loop: a meter waits for its PUBACK (QoS 1)
        // or for its socket to drain (QoS 0) before sending more.
        if (p.mode === 'max' && (p.qos === 1 ? s.inflight >= perClient : s.client!.stream.writableNeedDrain)) {
          skipped++;
          continue;
        }
        // A meter with `cap` publishes unacknowledged keeps this reading (a real one stores it
        // and sends it later in a batch); it was offered, not sent.
        if (p.mode === 'rate' && p.cap !== undefined && s.inflight >= p.cap) {
          st.heldBack++;
          budget--;
          skipped = 0;
          continue;
        }
        skipped = 0;
        const sentAt = now;
        const payload = s.meter.next(sentAt);
        st.sent++;
        if (sentAt >= p.windowFrom && sentAt < p.windowTo) st.sentInWindow++;
        budget--;
        if (p.qos === 1) {
          s.inflight++;
          outstanding++;
          s.client!.publish(s.meter.topic, payload, { qos: 1 }, (err) => {
            s.inflight--;
            outstanding--;
            if (err) st.ackErrors++;
            else st.acked++;
          });
        } else s.client!.publish(s.meter.topic, payload, { qos: 0 });
      }
      if (!stopped) {
        if (p.mode === 'rate' && budget <= 0) setTimeout(pump, 1);
        else if (skipped >= live.length) setTimeout(pump, 1);
        else setImmediate(pump);
      }
    };
    pump();
  });
}

parentPort!.on('message', async (m: ToWorker) => {
  if (m.cmd === 'attach') {
    ({ host, port } = m);
    sims = m.meters.map((x) => ({ meter: new SimMeter(x.id, x.seed), token: x.token, up: false, inflight: 0 }));
    post({ ev: 'attached' });
  } else if (m.cmd === 'connect') post({ ev: 'connected', stats: await connectAll(m.timeoutMs) });
  else if (m.cmd === 'blip') post({ ev: 'connected', stats: await blip(m.timeoutMs) });
  else if (m.cmd === 'run') {
    const before = drops;
    const stats = await run(m.plan);
    post({ ev: 'ran', stats: { ...stats, drops: drops - before } });
  } else if (m.cmd === 'close') {
    await Promise.all(sims.map((s) => new Promise<void>((r) => (s.client ? s.client.end(false, {}, () => r()) : r()))));
    sims = [];
    post({ ev: 'closed' });
  }
});
post({ ev: 'ready' });
