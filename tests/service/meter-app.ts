// The whole service on a real SQLite file with consenting households and provisioned meters,
// MQTT and HTTP on loopback ephemeral ports, a fixed clock and no jobs; meters connect over
// mqtt.js with their real tokens. Shared by the service-level broker tests (backpressure,
// the broker thread).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

export interface MeterApp {
  app: App;
  tokens: Record<string, string>;
  mqttPort: number;
  clients: MqttClient[];
  /** A meter's client (its own token unless `password` is given); closed by stop(). */
  connect(id: string, password?: string): Promise<MqttClient>;
  stop(): Promise<void>;
}

export async function startMeterApp(opts: { now: number; meterIds: string[]; mqtt?: Record<string, unknown>; limits?: Record<string, unknown> }): Promise<MeterApp> {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-meter-app-'));
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1', ...opts.mqtt },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const app = createApp(config, { clock: () => opts.now, jobs: false });
  const tokens: Record<string, string> = {};
  for (const id of opts.meterIds) {
    app.store.households.create({ id: `h-${id}`, name: '测试户' }, opts.now);
    app.store.households.giveConsent(`h-${id}`, { consentedBy: '测试', consentedAt: opts.now, scope: ['water-monitoring'] });
    const p = app.store.meters.provision(id, `h-${id}`, opts.now);
    if ('error' in p) throw new Error(p.message);
    tokens[id] = p.token;
  }
  const { mqttPort } = await app.start();
  const clients: MqttClient[] = [];
  return {
    app,
    tokens,
    mqttPort,
    clients,
    async connect(id, password = tokens[id]) {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: id, password, protocolVersion: 4, reconnectPeriod: 0 });
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
