// The board in real headless Chromium against the running service (scenario.ts): a grid
// worker signs in to a calm board (another grid's household invisible), switches language,
// watches an incapacitation appear live with a banner and a flashing title, and catches up
// after a dropped connection. axe-core finds no serious or critical violation.
// Screenshots: test-results/screenshots/ (see README "Dashboard").
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseLeft, chromiumAvailable, screenshots } from './browser.ts';
import { DEADLINE, MIN, expectAccessible, startScenario, type Scenario } from './scenario.ts';

const run = chromiumAvailable();

describe.runIf(run)('the board in Chromium', { timeout: 60_000 }, () => {
  let sc: Scenario;
  let worker: Page;

  beforeAll(async () => {
    sc = await startScenario();
  }, 120_000);
  afterAll(async () => sc?.close());

  it('a grid worker signs in and sees a calm board with each home at a glance and the countdown', async () => {
    worker = await sc.newPage();
    await worker.goto(`${sc.base}/`);
    await worker.getByLabel('用户名').waitFor();
    await expectAccessible(worker, 'sign-in page');
    await screenshots(worker, 'login');
    await sc.signIn(worker, 'wang', 'grid-worker-pass-1');
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
    // The whole header follows, the live indicator too (it kept saying "● 实时"), and the tab title.
    await expect.poll(() => worker.locator('#live').textContent()).toBe('● Live');
    expect(await chineseLeft(worker, 'body > .skip, header', ['网格员 王芳', '切换到中文', '中文'])).toEqual([]);
    expect(await worker.locator('header nav').getAttribute('aria-label')).toBe('Account');
    expect(await worker.title()).toBe('Anxin · Grid worker board');
    expect(await chineseLeft(worker, 'main', ['王秀兰', '李建国', '福田区莲花路 12 号 3 单元 501', '福田区莲花路 14 号 1 单元 202'])).toEqual([]);
    await worker.getByRole('button', { name: '切换到中文' }).click();
    await expect.poll(() => worker.locator('#calm').textContent()).toContain('一切正常');
    expect(await worker.locator('#live').textContent()).toBe('● 实时');
    expect(await worker.title()).toBe('安心 · 网格员工作台');
    expect(await worker.locator('header nav').getAttribute('aria-label')).toBe('账户');
    await expectAccessible(worker, 'calm board');
    await screenshots(worker, 'board-calm');
  });

  it('an incapacitation appears live, without reloading, with a banner and a flashing title', async () => {
    await worker.evaluate(() => ((window as any).__sameDocument = true));
    await expect.poll(() => worker.locator('#live').textContent()).toContain('实时');
    await sc.publishAt(DEADLINE, { m2: 3 });
    const card = worker.locator('#alert-list [data-alert-id]');
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
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
    // The banner, the live indicator and the flashing title follow a switch of language.
    await worker.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => banner.textContent()).toContain('New urgent alert: 王秀兰');
    expect(await banner.getByRole('link').textContent()).toBe('View now');
    expect(await worker.locator('#live').textContent()).toBe('● Live');
    await expect.poll(() => worker.title(), { timeout: 5_000 }).toBe('【Urgent】Anxin · Grid worker board');
    expect(await chineseLeft(worker, 'body > .skip, header, #banner', ['网格员 王芳', '切换到中文', '中文', '王秀兰'])).toEqual([]);
    expect(await worker.locator('#alerts-title .count').textContent()).toBe('1 alert waiting');
    await screenshots(worker, 'board-en');
    await worker.getByRole('button', { name: '切换到中文' }).click();
    await expect.poll(() => banner.textContent()).toContain('新的紧急预警：王秀兰');
    expect(await banner.isVisible()).toBe(true);
    await expectAccessible(worker, 'board with an alert');
    await screenshots(worker, 'board');
  });

  it('after a dropped connection the board catches up from Last-Event-ID, without reloading', async () => {
    // Every connection to the service is cut; the browser's EventSource reconnects by itself
    // (retry: 3000) and sends the id of the last event it saw.
    sc.app.http.server.closeAllConnections();
    await expect.poll(() => worker.locator('#live').textContent()).toContain('连接中断');
    await sc.publishAt(DEADLINE + 15 * MIN, {}, { m2: { battery: 5 } }); // missed while offline
    const missed = sc.app.store.alerts.listActive().find((a) => a.meterId === 'm2')!;
    await expect.poll(() => worker.locator('[data-alert-id]').count(), { timeout: 15_000 }).toBe(2);
    // It came over the reconnected stream (replayed), not from a periodic refresh.
    expect(await worker.evaluate(() => (window as any).anxinLive.map((e: any) => [e.kind, e.alertId]))).toContainEqual(['opened', missed.id]);
    expect(await worker.locator('#alert-list').textContent()).toContain('水表电量低 · 李建国');
    expect(await worker.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await expect.poll(() => worker.locator('#live').textContent()).toContain('实时');
    // The battery is replaced: the alert resolves by itself and leaves the board live.
    await sc.publishAt(DEADLINE + 30 * MIN);
    await expect.poll(() => worker.locator('#alert-list [data-alert-id]').count()).toBe(1);
  });
});
