// An operator signs in to the dashboard. The server refuses every household view to an operator
// (403, README's role table: "no household, contact or alert"), so the page says what the
// account is for and links what it may see, instead of a board that fails with the API's
// English role message and a live stream that is refused.
// Real Chromium against a real listening service, signing in through the page's own form.
import { describe, expect, it } from 'vitest';
import { axeViolations, screenshots } from './browser.ts';
import { browserWithService } from './listening.ts';
import { T0, household } from '../dashboard/helpers.ts';

const { run, start } = browserWithService();

describe.runIf(run)('dashboard: an operator account', () => {
  it('signs in and is told what it may see, with no household on the page and no refused request left failing', async () => {
    const { r, browser, base } = await start();
    household(r, 'h1', 'g1', 'm1');
    r.feed('m1', T0, 100, { battery: 5 }); // an open alert exists
    await r.app.store.users.create({ username: 'ops', password: 'operator-pass-1', role: 'operator' });
    const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    const refused: string[] = [];
    page.on('response', (res) => { if (res.status() === 403) refused.push(res.url()); });
    await page.goto(`${base}/`);
    await page.locator('#username').fill('ops');
    await page.locator('#password').fill('operator-pass-1');
    await page.locator('#login-form button[type=submit]').click();
    const heading = page.locator('#operator-title');
    await heading.waitFor();
    const text = await page.locator('#main').innerText();
    const header = await page.locator('header .brand').innerText();
    const title = await page.title();
    const links = await page.locator('#main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const violations = await axeViolations(page);
    await screenshots(page, 'operator');
    await ctx.close();
    expect(violations).toEqual([]);
    expect(text).toContain('运维账号');
    expect([header, title]).toEqual(['安心 · 系统运维', '安心 · 系统运维']); // not 网格员工作台
    expect(text).toContain('不能查看住户、联系人或告警');
    expect(text, text).not.toMatch(/expected one of the roles|操作失败/);
    expect(links).toEqual(['/health', '/metrics', '/api/dead-letters', '/api/meters']);
    expect(refused, refused.join(' ')).toEqual([]); // neither the board nor the live stream was asked for
  });
});
