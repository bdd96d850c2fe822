// A real app (SQLite file, aedes over TCP, fastify) on a manual clock, for the PIPL lifecycle tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig, type ConfigInput } from '../../src/config.ts';

export const TOKEN = 'machine-token-0123456789';
export const DAY0 = Date.parse('2026-03-02T08:00:00+08:00');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

export async function startApp(over: ConfigInput = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-pipl-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const clock = { now: DAY0 };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1', apiToken: TOKEN },
    log: { level: 'silent' },
    ...over,
  });
  const app: App = createApp(config, { clock: () => clock.now, jobs: false });
  const ports = await app.start();
  cleanups.push(() => app.stop());
  const api = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    const res = await app.http.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body ? (res.json() as any) : undefined, headers: res.headers };
  };
  const connect = async (meterId: string, password: string): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqttPort}`, { username: meterId, password, protocolVersion: 4, reconnectPeriod: 0, clientId: `${meterId}-c` });
    cleanups.push(() => void c.end(true));
    return c;
  };
  return { app, clock, api, connect, ports };
}

/** A consented household with a contact and a connected meter that has sent readings and raised a data-fault alert. */
export async function seeded(h: Awaited<ReturnType<typeof startApp>>, hh = 'hh-1', meterId = 'm-1') {
  const { api, connect, clock, app } = h;
  await api('POST', '/api/households', { id: hh, name: '王奶奶', address: '幸福路 3 号', gridId: 'g1' });
  await api('POST', `/api/households/${hh}/consent`, { consentedBy: '女儿 李梅', scope: ['water-monitoring', 'notify-family'] });
  await api('POST', `/api/households/${hh}/contacts`, { name: '李梅', role: 'family', phone: '13800138000' });
  const { token } = (await api('POST', '/api/meters', { meterId, householdId: hh })).body;
  const client = await connect(meterId, token);
  let total = 100;
  for (let i = 0; i < 5; i++) {
    clock.now += 60_000;
    total += 2;
    await client.publishAsync(`meters/${meterId}/reading`, JSON.stringify({ ts: clock.now, totalLiters: total }), { qos: 1 });
  }
  // A register jump no domestic meter can turn: a data-fault alert opens at once.
  clock.now += 60_000;
  await client.publishAsync(`meters/${meterId}/reading`, JSON.stringify({ ts: clock.now, totalLiters: total + 5000 }), { qos: 1 });
  await until(() => app.store.alerts.list({ householdId: hh, status: 'open', limit: 10, offset: 0 }).total === 1);
  app.monitor.saveState(clock.now);
  return { client, token };
}

/** Waits for something another socket causes (an MQTT round trip), bounded by count, not wall time asserts. */
export async function until(cond: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition not reached');
}
