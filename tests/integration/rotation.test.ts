// A token rotation or revocation through the API closes every session opened with the old
// token (issue 11: a rotated meter stayed connected and kept publishing).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

const now = Date.parse('2026-03-01T08:00:00Z');
let dir: string;
let app: App;
let mqttPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anxin-rotate-'));
  app = createApp(parseConfig({ dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' } }), { clock: () => now, jobs: false });
  app.store.households.create({ id: 'h-1', name: '王奶奶' }, now);
  app.store.households.giveConsent('h-1', { consentedBy: '王奶奶', consentedAt: now, scope: ['water-monitoring'] });
  ({ mqttPort } = await app.start());
});
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const open = (token: string, clientId: string) =>
  mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'm-1', password: token, protocolVersion: 4, reconnectPeriod: 0, clientId });
const closed = (c: MqttClient) => new Promise<void>((r) => c.once('close', () => r()));

describe('rotation and revocation', () => {
  it('closes every session opened with the old token; the new token connects', async () => {
    const p = app.store.meters.provision('m-1', 'h-1', now);
    if ('error' in p) throw new Error(p.message);
    const sessions = await Promise.all([open(p.token, 'a'), open(p.token, 'b')]);
    expect(app.broker()!.connectedCount()).toBe(1);
    const gone = Promise.all(sessions.map(closed));
    const res = await app.http.inject({ method: 'POST', url: '/api/meters/m-1/rotate' });
    expect(res.statusCode).toBeLessThan(300);
    await gone;
    await expect(open(p.token, 'c')).rejects.toMatchObject({ code: 4 });
    const fresh = await open((res.json() as { token: string }).token, 'd');
    const revoked = closed(fresh);
    expect((await app.http.inject({ method: 'POST', url: '/api/meters/m-1/revoke' })).statusCode).toBeLessThan(300);
    await revoked;
    expect(app.broker()!.connectedCount()).toBe(0);
  });
});
