// End to end over real TCP: simulated households publish through the embedded aedes broker
// with their own credentials; the detector raises alerts that the HTTP API shows.
// Time is a manual clock stamped on arrival by the broker; nothing sleeps on wall time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { simulateMeter } from '../../device-sim/meter-sim.ts';
import { makeProfile } from '../../device-sim/profile.ts';
import { Rng } from '../../device-sim/rng.ts';
import { resolveScenario } from '../../device-sim/scenarios.ts';
import { batchPayload, readingPayload, topicFor } from '../../device-sim/payloads.ts';
import type { Report } from '../../device-sim/meter.ts';

const HOUR = 3_600_000;
const DAY0 = Date.parse('2026-03-02T00:00:00+08:00');

let dir: string;
let app: App;
let now = DAY0;
let mqttPort = 0;
const tokens: Record<string, string> = {};
const clients: MqttClient[] = [];

async function api(method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await app.http.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: res.json() as any };
}

async function connect(meterId: string, password = tokens[meterId]!): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: meterId, password, protocolVersion: 4, reconnectPeriod: 0, clientId: `${meterId}-${clients.length}` });
  clients.push(c);
  return c;
}

/** Publish simulated meters' reports in arrival order up to `until`, each at its own simulated time. */
async function publishUntil(meters: { client: MqttClient; meterId: string; reports: Iterator<Report> }[], until: number): Promise<Record<string, number>> {
  const sent: Record<string, number> = {};
  const heads = meters.map((m) => ({ ...m, next: m.reports.next() }));
  for (;;) {
    const live = heads.filter((h) => !h.next.done && h.next.value.sendAt <= until);
    if (!live.length) return sent;
    const h = live.reduce((a, b) => (a.next.value!.sendAt <= b.next.value!.sendAt ? a : b));
    const r = h.next.value as Report;
    now = Math.max(now, r.sendAt);
    const payload = r.kind === 'batch' ? batchPayload(r.readings.map((reading) => ({ reading }))) : readingPayload(r.readings[0]!);
    await h.client.publishAsync(topicFor(h.meterId, r.kind), payload, { qos: 1 });
    sent[h.meterId] = (sent[h.meterId] ?? 0) + 1;
    h.next = h.reports.next();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anxin-e2e-'));
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' },
    // Weeks of simulated time are published as fast as loopback allows: far above any meter's budget.
    limits: { mqtt: { publish: { ratePerSecond: 100_000, burst: 1_000_000 } } },
  });
  app = createApp(config, { clock: () => now, jobs: false });
  mqttPort = (await app.start()).mqttPort;
  for (const [hh, meter] of [['h-a', 'm-a'], ['h-b', 'm-b'], ['h-c', 'm-c']] as const) {
    expect((await api('POST', '/api/households', { id: hh, name: `住户 ${hh}` })).status).toBe(201);
    expect((await api('POST', `/api/households/${hh}/consent`, { consentedBy: '本人', scope: ['water-monitoring'] })).status).toBeLessThan(300);
    const res = await api('POST', '/api/meters', { meterId: meter, householdId: hh });
    expect(res.status).toBe(201);
    tokens[meter] = res.body.token;
  }
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('meters → broker → detector → alerts → API', () => {
  it('an incapacitation and a burst pipe each open exactly one alert, visible through the API', async () => {
    const rng = new Rng(7);
    const incapacitated = simulateMeter({
      meterId: 'm-a', profile: makeProfile('early-bird', rng), seed: 11, cadence: '15min', from: DAY0,
      scenarios: [resolveScenario({ name: 'incapacitation', at: DAY0 + 24 * HOUR + 11 * HOUR, durationMs: 30 * HOUR }, rng)],
    });
    const burst = simulateMeter({
      meterId: 'm-b', profile: makeProfile('late-riser', rng), seed: 12, cadence: '1min', from: DAY0 + 24 * HOUR,
      scenarios: [resolveScenario({ name: 'burst-pipe', at: DAY0 + 24 * HOUR + 14 * HOUR, durationMs: 20 * HOUR, lpm: 20 }, rng)],
    });
    const a = await connect('m-a');
    const b = await connect('m-b');
    // Day 1 and the morning of day 2 for both, then the scenarios play out.
    const sent = await publishUntil(
      [{ client: a, meterId: 'm-a', reports: incapacitated.reports }, { client: b, meterId: 'm-b', reports: burst.reports }],
      DAY0 + 48 * HOUR + 6 * HOUR,
    );
    expect(sent['m-a']).toBeGreaterThan(200);
    expect(sent['m-b']).toBeGreaterThan(1500);

    await vi.waitFor(async () => {
      const open = (await api('GET', '/api/alerts?status=open')).body.items as any[];
      expect(open.filter((x) => x.meterId === 'm-a' && x.type === 'no-usage')).toHaveLength(1);
      expect(open.filter((x) => x.meterId === 'm-b' && x.type === 'surge')).toHaveLength(1);
    });
    const all = (await api('GET', '/api/alerts?limit=100')).body.items as any[];
    // Exactly one each, and nothing else for these households (no false alarm on day 1).
    expect(all.filter((x) => x.meterId === 'm-a').map((x) => x.type)).toEqual(['no-usage']);
    expect(all.filter((x) => x.meterId === 'm-b').map((x) => x.type)).toEqual(['surge']);
    const noUsage = all.find((x) => x.meterId === 'm-a')!;
    const surge = all.find((x) => x.meterId === 'm-b')!;
    // Raised after the person was incapacitated (11:00 day 2), within the 12 h learning backstop + one report.
    expect(noUsage.openedAt).toBeGreaterThan(DAY0 + 35 * HOUR);
    expect(noUsage.openedAt).toBeLessThanOrEqual(DAY0 + 35 * HOUR + 12 * HOUR + 15 * 60_000);
    expect(noUsage.reason.zh).toMatch(/未用水/);
    // The pipe burst at 14:00 day 2: surge within the hour.
    expect(surge.openedAt).toBeGreaterThan(DAY0 + 38 * HOUR);
    expect(surge.openedAt).toBeLessThan(DAY0 + 39 * HOUR);

    const ack = await api('POST', `/api/alerts/${surge.id}/ack`, { by: '网格员 王' });
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    const metrics = (await app.http.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/anxin_alerts_opened_total\{type="surge"\} 1/);
    expect(metrics).toMatch(/anxin_alerts_opened_total\{type="no-usage"\} 1/);
  });

  it('refuses a wrong password and an unknown meter at connect', async () => {
    await expect(connect('m-c', 'not-the-token')).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect('m-zzz', 'whatever-token')).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  it("refuses a publish to another meter's topic: it never reaches that meter", async () => {
    const before = (await api('GET', '/api/alerts?meterId=m-a&limit=100')).body.total;
    const acceptedBefore = app.metrics.readingsAccepted.get();
    const c = await connect('m-c');
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish(topicFor('m-a', 'reading'), readingPayload({ ts: now, totalLiters: 1 }), { qos: 1 });
    await closed; // aedes closes a client whose publish is not authorized
    expect(app.metrics.readingsAccepted.get()).toBe(acceptedBefore);
    expect((await api('GET', '/api/alerts?meterId=m-a&limit=100')).body.total).toBe(before);
  });

  it('a malformed payload lands in dead letters; the same client and the broker keep serving', async () => {
    const c = await connect('m-c');
    await c.publishAsync(topicFor('m-c', 'reading'), '{"ts": "yesterday", "totalLiters": "lots"', { qos: 1 });
    await c.publishAsync(topicFor('m-c', 'reading'), JSON.stringify({ ts: now, totalLiters: 'lots' }), { qos: 1 });
    const accepted = app.metrics.readingsAccepted.get();
    await c.publishAsync(topicFor('m-c', 'reading'), readingPayload({ ts: now, totalLiters: 5000 }), { qos: 1 });
    await vi.waitFor(() => expect(app.metrics.readingsAccepted.get()).toBe(accepted + 1));
    expect(c.connected).toBe(true);
    const dl = (await api('GET', '/api/dead-letters?meterId=m-c')).body;
    const items = (Array.isArray(dl) ? dl : dl.items) as any[];
    expect(items.length).toBe(2);
    expect(items.map((d) => d.reason).join(' ')).toMatch(/JSON/i);
    expect(items.map((d) => d.reason).join(' ')).toMatch(/totalLiters/);
    expect((await app.http.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
