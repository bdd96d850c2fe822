// The board's alert card says who was notified — the recipient, masked (王*), with their role —
// not "已通知：notify", the name of the service's own notifier (every notification step is
// recorded with `by: 'notify'`, src/notify/service.ts, dispatcher.ts; the recipient was only in
// the step's free-text note). The API now gives each notification step its recipient as data
// (src/http/notified.ts, from the step's outbox row), and the card lists them (board.js notifiedText).
// README Dashboard, Board: "each card says why it fired ..., since when, who was notified (the
// timeline's `notif…` steps) and who acknowledged."
// Real Chromium against a real listening service; no account exists, so the page is served on
// loopback as the README's local demo (no sign-in).
import { describe, expect, it } from 'vitest';
import { browserWithService } from './listening.ts';
import { T0, household } from '../dashboard/helpers.ts';

const { run, start } = browserWithService();

describe.runIf(run)('board: who was notified', () => {
  it('names the people told (masked), not the notifier', async () => {
    const { r, browser, base } = await start();
    household(r, 'h1', 'g1', 'm1');
    r.app.store.contacts.add('h1', { name: '王芳', role: 'grid-worker', phone: '13800138000' });
    r.feed('m1', T0, 100, { battery: 5 }); // battery-low: rung 1, the grid worker, in daytime
    await r.app.notify!.settle();
    const board = await r.api('GET', '/api/board');
    expect(board.body.items[0].notified.map((n: any) => n.kind)).toContain('notification-sent');
    const sent = board.body.items[0].notified.find((n: any) => n.kind === 'notification-sent');
    expect(sent.recipient).toEqual({ name: '王*', role: 'grid-worker' });

    const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    const card = page.locator('.alert-card').first();
    await card.waitFor();
    const text = await card.innerText();
    await ctx.close();
    expect(text).toContain('已通知');
    expect(text, text).not.toMatch(/已通知：notify/);
    expect(text, text).toContain('王*（网格员）'); // the grid worker who was told, masked as everywhere
  });
});
