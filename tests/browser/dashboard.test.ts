// The dashboard in real headless Chromium against the running service (real HTTP and MQTT
// ports, a real SQLite file, an injected clock we advance). Simulated meters publish over
// MQTT with their own credentials. A grid worker signs in, watches an incapacitation appear
// live, acknowledges it, records the visit outcome and resolves it; another grid's household
// stays invisible (in the page and at the API); the family link shows only consented data
// and dies when revoked; axe-core finds no serious or critical violation on any page.
// Screenshots: test-results/screenshots/ (see README "Dashboard").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { readingPayload, topicFor } from '../../device-sim/payloads.ts';
import { VIEWPORTS, axeViolations, chromiumAvailable, launch, expectSelectsFit, screenshots } from './browser.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2026-03-02 00:00 CST. */
const S = Date.parse('2026-03-02T00:00:00+08:00');
/** The elder's last use of water: 07:15 on the second day; the learning backstop is 12 h. */
const LAST_USE = S + 24 * HOUR + 7 * HOUR + 15 * MIN;
const DEADLINE = LAST_USE + 12 * HOUR; // 19:15

const run = chromiumAvailable();

let dir: string;
let app: App;
let base = '';
let mqttPort = 0;
let now = S;
let browser: Browser;
const clients: Record<string, MqttClient> = {};
const totals: Record<string, number> = { m1: 1000, m2: 5000, m3: 300 };
const contexts: BrowserContext[] = [];

/** One 15-min reading per meter at time t, each stamped by the broker with the clock = t. */
async function publishAt(t: number, use: Record<string, number> = {}, extra: Record<string, { battery?: number }> = {}) {
  now = t;
  for (const [meterId, c] of Object.entries(clients)) {
    totals[meterId]! += use[meterId] ?? 0;
    await c.publishAsync(topicFor(meterId, 'reading'), readingPayload({ ts: t, totalLiters: totals[meterId]! }, extra[meterId] ?? { battery: meterId === 'm3' ? 5 : 80 }), { qos: 1 });
  }
}

/** A plain routine: water in the morning, at noon and in the evening. */
const routineUse = (t: number, meterId: string): number => {
  const hour = new Date(t + 8 * HOUR).getUTCHours();
  const base = meterId === 'm2' ? 1.5 : 1;
  return [7, 8, 12, 18, 19, 21].includes(hour) ? Math.round(6 * base) : 0;
};

async function publishRange(from: number, to: number, useFor: (t: number, meterId: string) => number) {
  let last = from;
  for (let t = from; t <= to; t += 15 * MIN) {
    const use: Record<string, number> = {};
    for (const m of Object.keys(clients)) use[m] = useFor(t, m);
    await publishAt(t, use);
    last = t;
  }
  // Wait until ingest has stored the last of them (the broker hands them on asynchronously).
  await vi.waitFor(() => expect(app.store.readings.recent('m1', 1)[0]?.ts).toBe(last), { timeout: 10_000 });
}

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return page;
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${base}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

async function expectAccessible(page: Page, what: string) {
  const v = await axeViolations(page);
  expect(v, `${what}: ${JSON.stringify(v, null, 1)}`).toEqual([]);
}

describe.runIf(run)('the dashboard in Chromium', { timeout: 60_000 }, () => {
  let worker: Page;
  let admin: Page;
  let family: Page;
  let alertId = '';
  let otherGridAlertId = '';
  let familyUrl = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anxin-browser-'));
    const config = parseConfig({ dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, log: { level: 'silent' } });
    app = createApp(config, { clock: () => now, jobs: false });
    const ports = await app.start();
    mqttPort = ports.mqttPort;
    base = `http://127.0.0.1:${ports.httpPort}`;
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
      clients[meterId] = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: meterId, password: p.token, protocolVersion: 4, reconnectPeriod: 0, clientId: meterId });
    }
    await s.users.create({ username: 'wang', password: 'grid-worker-pass-1', role: 'grid-worker', gridIds: ['g1'], displayName: '网格员 王芳' });
    await s.users.create({ username: 'admin', password: 'admin-pass-123456', role: 'admin', displayName: '社区管理员' });
    // A day and a morning of routine; the elder of h1 last uses water at 07:15, then nothing.
    // h3 (another grid) reports a low battery throughout, so it has an alert the worker must not see.
    await publishRange(S, LAST_USE, routineUse);
    await publishRange(LAST_USE + 15 * MIN, DEADLINE - 30 * MIN, (t, m) => (m === 'm1' ? 0 : routineUse(t, m)));
    await publishAt(DEADLINE - 15 * MIN, { m2: 3 });
    await vi.waitFor(() => expect(s.alerts.listActive().map((a) => a.type)).toEqual(['battery-low']));
    otherGridAlertId = s.alerts.listActive()[0]!.id;
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await Promise.all(Object.values(clients).map((c) => c.endAsync(true).catch(() => {})));
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a grid worker signs in and sees a calm board with each home at a glance and the countdown', async () => {
    worker = await newPage();
    await worker.goto(`${base}/`);
    await worker.getByLabel('用户名').waitFor();
    await expectAccessible(worker, 'sign-in page');
    await screenshots(worker, 'login');
    await signIn(worker, 'wang', 'grid-worker-pass-1');
    await expect.poll(() => worker.locator('#calm').textContent()).toContain('一切正常');
    const rows = worker.locator('.hh-row');
    await expect.poll(() => rows.count()).toBe(2); // h1, h2 — not h3 of grid g2
    const h1 = worker.locator('[data-household-id="h1"]');
    // The countdown is the detector's (12 h after the last use while it is still learning).
    expect(await h1.textContent()).toContain('若 19:15 前仍未用水将预警');
    expect(await h1.textContent()).toMatch(/12\s*小时前用水/);
    expect(await worker.locator('body').textContent()).not.toContain('张桂芳');
    await worker.getByLabel('搜索姓名或地址').fill('李建国');
    await expect.poll(() => rows.count()).toBe(1);
    await worker.getByLabel('搜索姓名或地址').fill('');
    // English on request, and back to Chinese.
    await worker.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => worker.locator('#calm').textContent()).toContain('All calm');
    expect(await worker.locator('[data-household-id="h1"]').textContent()).toContain('alert if no water is used by 19:15');
    expect(await worker.evaluate(() => document.documentElement.lang)).toBe('en');
    await worker.getByRole('button', { name: '切换到中文' }).click();
    await expect.poll(() => worker.locator('#calm').textContent()).toContain('一切正常');
    await expectAccessible(worker, 'calm board');
    await screenshots(worker, 'board-calm');
  });

  it('an incapacitation appears live, without reloading, with a banner and a flashing title', async () => {
    await worker.evaluate(() => ((window as any).__sameDocument = true));
    await expect.poll(() => worker.locator('#live').textContent()).toContain('实时');
    await publishAt(DEADLINE, { m2: 3 });
    const card = worker.locator('#alert-list [data-alert-id]');
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    alertId = (await card.getAttribute('data-alert-id'))!;
    expect(await card.textContent()).toContain('王秀兰');
    expect(await card.textContent()).toMatch(/未用水/); // the detector's own words
    expect(await card.textContent()).toContain('待处理');
    // The household's next-alert column says the alert is out (open, nobody on it yet).
    expect(await worker.locator('[data-household-id="h1"] .hh-next').textContent()).toBe('已发出未用水预警');
    expect(await worker.evaluate(() => (window as any).__sameDocument)).toBe(true);
    const banner = worker.locator('#banner');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('新的紧急预警：王秀兰');
    await expect.poll(() => worker.title()).toMatch(/^【紧急】/);
    // The beep played: WebAudio was unlocked by the sign-in click (a user gesture).
    expect(await banner.getAttribute('data-beeped')).toBe('true');
    await expectAccessible(worker, 'board with an alert');
    await screenshots(worker, 'board');
  });

  it('after a dropped connection the board catches up from Last-Event-ID, without reloading', async () => {
    // Every connection to the service is cut; the browser's EventSource reconnects by itself
    // (retry: 3000) and sends the id of the last event it saw.
    app.http.server.closeAllConnections();
    await expect.poll(() => worker.locator('#live').textContent()).toContain('连接中断');
    await publishAt(DEADLINE + 15 * MIN, {}, { m2: { battery: 5 } }); // missed while offline
    const missed = app.store.alerts.listActive().find((a) => a.meterId === 'm2')!;
    await expect.poll(() => worker.locator('[data-alert-id]').count(), { timeout: 15_000 }).toBe(2);
    // It came over the reconnected stream (replayed), not from a periodic refresh.
    expect(await worker.evaluate(() => (window as any).anxinLive.map((e: any) => [e.kind, e.alertId]))).toContainEqual(['opened', missed.id]);
    expect(await worker.locator('#alert-list').textContent()).toContain('水表电量低 · 李建国');
    expect(await worker.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await expect.poll(() => worker.locator('#live').textContent()).toContain('实时');
    // The battery is replaced: the alert resolves by itself and leaves the board live.
    await publishAt(DEADLINE + 30 * MIN);
    await expect.poll(() => worker.locator('#alert-list [data-alert-id]').count()).toBe(1);
  });

  it('the worker opens the alert and acknowledges it; the timeline shows each step', async () => {
    await worker.locator('#banner').getByRole('link', { name: '立即查看' }).click();
    await expect.poll(() => worker.locator('#alert-title').textContent()).toContain('长时间未用水');
    await worker.getByRole('button', { name: '确认接单（我去处理）' }).click();
    await expect.poll(() => worker.locator('#alert-status').textContent()).toBe('已接单');
    expect(app.store.alerts.get(alertId)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'wang' });
    expect(await worker.locator('#timeline').textContent()).toContain('网格员 王芳'); // shown by display name
    await expectAccessible(worker, 'alert detail');
    await screenshots(worker, 'alert-detail');
  });

  it('the family link shows only consented data (the open alert and who is on it) and dies when revoked', async () => {
    admin = await newPage();
    await signIn(admin, 'admin', 'admin-pass-123456');
    await admin.locator('#alert-list').waitFor();
    // Acknowledged by the worker: the column says someone is on it.
    expect(await admin.locator('[data-household-id="h1"] .hh-next').textContent()).toBe('未用水预警已接单，处理中');
    await admin.goto(`${base}/#/households/h1`);
    await admin.getByRole('button', { name: '生成家属链接' }).click();
    familyUrl = (await admin.locator('#family-url').getAttribute('href'))!;
    expect(familyUrl).toMatch(new RegExp(`^${base}/family/[A-Za-z0-9_-]{12}\\.[A-Za-z0-9_-]{43}$`));

    family = await newPage(); // no session: the link alone opens it
    await family.goto(familyUrl);
    const card = family.locator('#family-status');
    await card.waitFor();
    const text = (await card.textContent())!;
    expect(text).toContain('有一条预警（长时间未用水），自 19:15 起');
    expect(text).toContain('网格员 王芳 已在处理');
    // Nothing personal beyond that: not in the page, not in what it fetched.
    const served = `${await family.locator('body').textContent()} ${await (await fetch(`${familyUrl}/status`)).text()}`;
    for (const personal of ['王秀兰', '莲花路', 'm1', 'h1', '80']) expect(served).not.toContain(personal);
    await expectAccessible(family, 'family page');
    await screenshots(family, 'family');

    await admin.reload();
    await admin.getByRole('button', { name: '停用' }).click();
    await expect.poll(() => admin.locator('#family-links li').first().textContent()).toContain('已停用');
    await family.reload();
    await expect.poll(() => family.locator('#family-invalid').textContent()).toContain('此链接已失效');
    expect((await fetch(`${familyUrl}/status`)).status).toBe(404);
  });

  it('records the visit outcome with a note and resolves the alert', async () => {
    await worker.getByLabel('老人平安').check();
    await worker.getByLabel('情况说明').fill('老人在卫生间摔倒，已扶起，无外伤');
    await worker.getByRole('button', { name: '记录结果' }).click();
    await expect.poll(() => worker.locator('#alert-outcome').textContent()).toContain('老人平安');
    await worker.getByLabel('解除说明（必填）').fill('已上门，老人平安，已通知家属');
    await worker.getByRole('button', { name: '解除预警' }).click();
    await expect.poll(() => worker.locator('#alert-status').textContent()).toBe('已解除');
    const kinds = await worker.locator('#timeline li').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind));
    expect(kinds).toEqual(['opened', 'acknowledged', 'outcome', 'resolved']);
    expect(await worker.locator('#timeline').textContent()).toContain('老人平安 — 老人在卫生间摔倒');
    // Stored on the alert and exposed through the API for the detector to learn from.
    const a = await worker.evaluate(async (id) => (await fetch(`/api/alerts/${id}`)).json(), alertId);
    expect(a).toMatchObject({ status: 'resolved', outcome: 'elder-fine', resolvedBy: 'wang' });
    // Back on the board: no alert waiting — but not "一切正常": the home is still silent.
    await worker.getByRole('link', { name: '← 返回工作台' }).click();
    const calm = worker.locator('#calm');
    await expect.poll(() => calm.textContent()).toContain('您负责的 2 户中，1 户的未用水预警已处理，但至今仍未用水。');
    expect(await calm.locator('.calm-title').textContent()).toBe('没有待处理的预警');
    expect(await calm.textContent()).not.toContain('一切正常');
    // Needs attention first: the held home above 李建国, who is merely counting down.
    const order = () => worker.locator('.hh-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.householdId));
    expect(await order()).toEqual(['h1', 'h2']);
    expect(await worker.locator('[data-household-id="h2"] .hh-next').textContent()).toContain('前仍未用水将预警');
    // Resolved, and the home is still silent: the detector holds its condition until water is
    // used (no new alert for this silence). The column says so — it said "—" here, which a
    // worker read as "nothing to watch".
    const next = worker.locator('[data-household-id="h1"] .hh-next');
    expect(await next.textContent()).toBe('未用水预警已处理，但自 07:15 起仍未用水；再次用水后才重新计时');
    await worker.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => next.textContent()).toBe('no-usage alert handled, but no water used since 07:15; the countdown restarts at the next use');
    expect(await calm.textContent()).toContain('No alerts waiting');
    expect(await calm.textContent()).toContain('1 of your 2 households had its no-usage alert handled but has still used no water.');
    expect(await calm.textContent()).not.toContain('All calm');
    await worker.setViewportSize(VIEWPORTS.phone); // the longer English options, on a phone
    await expectSelectsFit(worker, ['hh-filter', 'hh-sort'], 'en 375');
    await worker.setViewportSize(VIEWPORTS.desktop);
    await worker.getByRole('button', { name: '切换到中文' }).click();
    await expect.poll(() => next.textContent()).toContain('未用水预警已处理');
    await expectAccessible(worker, 'board after the alert was handled');
    // The filter and sort options whole at both sizes (the sort's was cut off at 375 px).
    await screenshots(worker, 'board-handled', { check: (size) => expectSelectsFit(worker, ['hh-filter', 'hh-sort'], `zh ${size}`) });
  });

  it('the household page has 24-hour and 7-day charts and marks the home away and back', async () => {
    await worker.goto(`${base}/#/households/h1`);
    await worker.locator('#chart-24h canvas').waitFor();
    expect(await worker.locator('#chart-7d canvas').count()).toBe(1);
    expect(await worker.locator('#hh-last-use').textContent()).toContain('07:15');
    expect(await worker.locator('#hh-countdown').textContent()).toBe('未用水预警已处理，但自 07:15 起仍未用水；再次用水后才重新计时');
    await expectAccessible(worker, 'household page');
    await screenshots(worker, 'household');
    await worker.getByRole('button', { name: '登记外出' }).click();
    await worker.getByRole('button', { name: '已回家（取消外出）' }).waitFor();
    expect(app.store.households.get('h1')!.awayUntil).toBeGreaterThan(now);
    expect(await worker.locator('#hh-countdown').textContent()).toBe('外出报备中，不作未用水预警');
    await worker.getByRole('button', { name: '已回家（取消外出）' }).click();
    await worker.getByRole('button', { name: '登记外出' }).waitFor();
    // Back home: the trip ends now and is kept (the silence at home counts from the return).
    expect(app.store.households.get('h1')!.awayUntil).toBe(now);
  });

  it('the household charts draw the latest bucket whole, on a phone (375 px) and a desktop (1280 px)', async () => {
    // 李建国 used water this hour and today: the latest bars have height. They were cut in half
    // at the plot's right edge (uPlot centres a bar on its x and ranged x over [first, last]).
    await worker.goto(`${base}/#/households/h2`);
    await worker.locator('#chart-7d canvas').waitFor();
    const geometry = (id: string) =>
      worker.locator(id).evaluate((el) => ({ plot: el.dataset.plot!.split(' ').map(Number), bar: el.dataset.lastBar!.split(' ').map(Number), canvas: el.querySelector('canvas')!.getBoundingClientRect().width, box: el.clientWidth }));
    const seen: Record<string, unknown> = {};
    await screenshots(worker, 'household-charts', {
      fullPage: true,
      check: async (size) => {
        for (const id of ['#chart-24h', '#chart-7d']) {
          const g = await geometry(id);
          seen[`${id} ${size}`] = g;
          const [plotLeft, plotRight] = g.plot as [number, number];
          const [barLeft, barRight] = g.bar as [number, number];
          // The latest bar lies inside the plot, with room to spare at its right...
          expect(barRight, `${id} at ${size}: ${JSON.stringify(g)}`).toBeLessThanOrEqual(plotRight);
          expect(barLeft).toBeGreaterThan(plotLeft);
          expect(barRight - barLeft).toBeGreaterThan(2);
          // ...and the chart itself fits its card (no sideways scroll hiding the right end).
          expect(g.canvas, `${id} at ${size}`).toBeLessThanOrEqual(g.box);
        }
      },
    });
    expect(Object.keys(seen)).toHaveLength(4);
  });

  it("a grid worker can neither see nor act on another grid's household, in the page or at the API", async () => {
    await worker.goto(`${base}/#/households/h3`);
    await expect.poll(() => worker.locator('main').textContent()).toContain('找不到，或您无权查看');
    const statuses = await worker.evaluate(async (id) => {
      const csrf = (window as any).anxin.session.csrfToken;
      const post = (url: string, body: unknown) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) }).then((r) => r.status);
      return {
        status: (await fetch('/api/households/h3/status')).status,
        usage: (await fetch('/api/households/h3/usage')).status,
        alert: (await fetch(`/api/alerts/${id}`)).status,
        ack: await post(`/api/alerts/${id}/ack`, { by: 'x' }),
        outcome: await post(`/api/alerts/${id}/outcome`, { outcome: 'other' }),
        list: ((await (await fetch('/api/households/status')).json()) as any).items.map((s: any) => s.household.id),
        board: ((await (await fetch('/api/board')).json()) as any).items.map((a: any) => a.id),
      };
    }, otherGridAlertId);
    const { board, ...rest } = statuses;
    expect(rest).toEqual({ status: 404, usage: 404, alert: 404, ack: 404, outcome: 404, list: ['h1', 'h2'] });
    expect(board).toContain(alertId);
    expect(board).not.toContain(otherGridAlertId);
    expect(app.store.alerts.get(otherGridAlertId)!.status).toBe('open');
  });

  it('the household page says what its meter cannot show: a meter read every 6 h is not watched for leaks', async () => {
    const s = app.store;
    s.households.create({ id: 'h4', name: '陈玉梅', address: '南山区桃园路 10 号 2 单元 303', gridId: 'g2' }, now);
    s.households.giveConsent('h4', { consentedBy: '陈玉梅', consentedAt: now, scope: ['water-monitoring'] });
    const p = s.meters.provision('m4', 'h4', now);
    if ('error' in p) throw new Error(p.message);
    const m4 = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'm4', password: p.token, protocolVersion: 4, reconnectPeriod: 0, clientId: 'm4' });
    try {
      // A day and a half of readings, one every 6 hours, uploaded together (an NB-IoT meter).
      const first = now - 36 * HOUR;
      for (let k = 0; k <= 6; k++) await m4.publishAsync(topicFor('m4', 'reading'), readingPayload({ ts: first + k * 6 * HOUR, totalLiters: 200 + 40 * k }), { qos: 1 });
      await vi.waitFor(() => expect(s.readings.recent('m4', 1)[0]?.ts).toBe(first + 36 * HOUR), { timeout: 10_000 });
      await admin.goto(`${base}/#/households/h4`);
      const note = admin.locator('[data-not-watched="leak"]');
      await note.waitFor();
      expect(await note.textContent()).toBe('不监测漏水：水表约每6小时读数一次，看不出水是否停过');
      await expectAccessible(admin, 'household page with a 6-hourly meter');
      await admin.evaluate(() => window.scrollTo(0, 0)); // the note is at the top of the page
      await screenshots(admin, 'household-6h-meter');
      await admin.getByRole('button', { name: 'Switch to English' }).click();
      await expect.poll(() => note.textContent()).toBe('Leaks not watched: the meter reads about every 6 hours, too seldom to see water stop');
      await admin.getByRole('button', { name: '切换到中文' }).click();
    } finally {
      await m4.endAsync(true);
    }
  });
});
