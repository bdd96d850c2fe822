// A consent withdrawal takes effect on the very next message (issue 12.2: the consent check
// is now answered from memory, so it must be invalidated by the write, not by time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

const now = Date.parse('2026-03-01T08:00:00Z');
let dir: string;
let app: App;
let token: string;
let mqttPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anxin-consent-'));
  app = createApp(parseConfig({ dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' } }), { clock: () => now, jobs: false });
  app.store.households.create({ id: 'h-1', name: '王奶奶' }, now);
  app.store.households.giveConsent('h-1', { consentedBy: '王奶奶', consentedAt: now, scope: ['water-monitoring'] });
  const p = app.store.meters.provision('m-1', 'h-1', now);
  if ('error' in p) throw new Error(p.message);
  token = p.token;
  ({ mqttPort } = await app.start());
});
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('consent withdrawal', () => {
  it('stops processing from the next message on', async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'm-1', password: token, protocolVersion: 4, reconnectPeriod: 0 });
    const send = (i: number) => c.publishAsync('meters/m-1/reading', JSON.stringify({ ts: now - 60_000 * (10 - i), totalLiters: 100 + i }), { qos: 1 });
    await send(0);
    await send(1);
    expect(app.metrics.readingsAccepted.get()).toBe(2);
    app.store.households.withdrawConsent('h-1', now);
    await send(2); // acknowledged (the meter is not told), but not processed
    expect(app.metrics.readingsAccepted.get()).toBe(2);
    expect(app.metrics.readingsRejected.get({ reason: 'no-consent' })).toBe(1);
    expect(app.store.readings.recent('m-1', 10)).toHaveLength(2);
    await c.endAsync(true);
  });
});
