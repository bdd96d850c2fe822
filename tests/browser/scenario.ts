// The service the browser tests drive, one per test file: real HTTP and MQTT ports, a real
// SQLite file, an injected clock the test advances. Three households (h1, h2 in grid g1 of the
// grid worker `wang`; h3 in grid g2), each with a meter publishing over MQTT with its own
// credentials. After `startScenario()` the elder of h1 last used water at 07:15 on the second
// day and it is 19:00: 15 min before the no-usage deadline. h3 reports a low battery
// throughout, so it has an alert the worker must not see.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, vi } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { readingPayload, topicFor } from '../../device-sim/payloads.ts';
import { axeViolations, launch } from './browser.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
/** 2026-03-02 00:00 CST. */
export const S = Date.parse('2026-03-02T00:00:00+08:00');
/** The elder's last use of water: 07:15 on the second day; the learning backstop is 12 h. */
export const LAST_USE = S + 24 * HOUR + 7 * HOUR + 15 * MIN;
export const DEADLINE = LAST_USE + 12 * HOUR; // 19:15

/** A plain routine: water in the morning, at noon and in the evening. */
const routineUse = (t: number, meterId: string): number => {
  const hour = new Date(t + 8 * HOUR).getUTCHours();
  const base = meterId === 'm2' ? 1.5 : 1;
  return [7, 8, 12, 18, 19, 21].includes(hour) ? Math.round(6 * base) : 0;
};

export interface Scenario {
  app: App;
  base: string;
  mqttPort: number;
  browser: Browser;
  /** The service clock (the time of the last reading published). */
  readonly now: number;
  /** The open battery-low alert of h3, in grid g2. */
  otherGridAlertId: string;
  /** One 15-min reading per meter at time t, each stamped by the broker with the clock = t. */
  publishAt(t: number, use?: Record<string, number>, extra?: Record<string, { battery?: number }>): Promise<void>;
  newPage(): Promise<Page>;
  signIn(page: Page, username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

export async function startScenario(): Promise<Scenario> {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-browser-'));
  let now = S;
  const config = parseConfig({ dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' } });
  const app = createApp(config, { clock: () => now, jobs: false });
  const ports = await app.start();
  const base = `http://127.0.0.1:${ports.httpPort}`;
  const clients: Record<string, MqttClient> = {};
  const totals: Record<string, number> = { m1: 1000, m2: 5000, m3: 300 };
  const contexts: BrowserContext[] = [];

  const publishAt: Scenario['publishAt'] = async (t, use = {}, extra = {}) => {
    now = t;
    for (const [meterId, c] of Object.entries(clients)) {
      totals[meterId]! += use[meterId] ?? 0;
      await c.publishAsync(topicFor(meterId, 'reading'), readingPayload({ ts: t, totalLiters: totals[meterId]! }, extra[meterId] ?? { battery: meterId === 'm3' ? 5 : 80 }), { qos: 1 });
    }
  };
  const publishRange = async (from: number, to: number, useFor: (t: number, meterId: string) => number) => {
    let last = from;
    for (let t = from; t <= to; t += 15 * MIN) {
      const use: Record<string, number> = {};
      for (const m of Object.keys(clients)) use[m] = useFor(t, m);
      await publishAt(t, use);
      last = t;
    }
    // Wait until ingest has stored the last of them (the broker hands them on asynchronously).
    await vi.waitFor(() => expect(app.store.readings.recent('m1', 1)[0]?.ts).toBe(last), { timeout: 10_000 });
  };

  const s = app.store;
  const homes = [
    ['h1', '王秀兰', '福田区莲花路 12 号 3 单元 501', 'g1', 'm1', ['water-monitoring', 'family-status', 'family-alerts']],
    ['h2', '李建国', '福田区莲花路 14 号 1 单元 202', 'g1', 'm2', ['water-monitoring']],
    ['h3', '张桂芳', '南山区桃园路 8 号 6 单元 1101', 'g2', 'm3', ['water-monitoring']],
  ] as const;
  for (const [id, name, address, gridId, meterId, scope] of homes) {
    s.households.create({ id, name, address, gridId }, now);
    s.households.giveConsent(id, { consentedBy: name, consentedAt: now, scope: [...scope] });
    const p = s.meters.provision(meterId, id, now);
    if ('error' in p) throw new Error(p.message);
    clients[meterId] = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqttPort}`, { username: meterId, password: p.token, protocolVersion: 4, reconnectPeriod: 0, clientId: meterId });
  }
  await s.users.create({ username: 'wang', password: 'grid-worker-pass-1', role: 'grid-worker', gridIds: ['g1'], displayName: '网格员 王芳' });
  await s.users.create({ username: 'admin', password: 'admin-pass-123456', role: 'admin', displayName: '社区管理员' });
  // A day and a morning of routine; the elder of h1 last uses water at 07:15, then nothing.
  await publishRange(S, LAST_USE, routineUse);
  await publishRange(LAST_USE + 15 * MIN, DEADLINE - 30 * MIN, (t, m) => (m === 'm1' ? 0 : routineUse(t, m)));
  await publishAt(DEADLINE - 15 * MIN, { m2: 3 });
  await vi.waitFor(() => expect(s.alerts.listActive().map((a) => a.type)).toEqual(['battery-low']));
  const browser = await launch();

  return {
    app,
    base,
    mqttPort: ports.mqttPort,
    browser,
    get now() {
      return now;
    },
    otherGridAlertId: s.alerts.listActive()[0]!.id,
    publishAt,
    async newPage() {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error('page error:', e.message));
      return page;
    },
    async signIn(page, username, password) {
      await page.goto(`${base}/`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await Promise.all(Object.values(clients).map((c) => c.endAsync(true).catch(() => {})));
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function expectAccessible(page: Page, what: string) {
  const v = await axeViolations(page);
  expect(v, `${what}: ${JSON.stringify(v, null, 1)}`).toEqual([]);
}
