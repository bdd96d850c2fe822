// While the elder herself is being asked first (关怀确认: "an SMS to the elder ... and nobody else
// for checkIn.windowMin (30)"), the family page says so — not "已通知社区网格员，正在等待接单"
// (the grid worker has been notified), which was untrue then: nobody but the elder had been told,
// and the point of the check-in is not to alarm anyone before she answers. Once her window has run
// out and the grid worker was told, it says that. The family status now carries each alert's
// `progress` from the alert's outbox rows (src/http/family-progress.ts), and family.js words it.
// README Notifications, 关怀确认; Dashboard, family page: `family-alerts` → "an open urgent alert,
// since when, and who is on it".
import { describe, expect, it } from 'vitest';
import { browserWithService } from './listening.ts';
import { HOUR, MIN, T0, household, silentAfterT0 } from '../dashboard/helpers.ts';

const { run, start } = browserWithService();

describe.runIf(run)('family page during the elder check-in', () => {
  it('says the elder is being asked first (zh-CN and English), and that the grid worker was told only once they were', async () => {
    const { r, browser, base } = await start();
    household(r, 'h1', 'g1', 'm1', ['water-monitoring', 'family-status', 'family-alerts']);
    const s = r.app.store;
    s.contacts.add('h1', { name: '王秀英', role: 'elder', phone: '13700137000' });
    s.contacts.add('h1', { name: '李明', role: 'grid-worker', phone: '13800138000' });
    silentAfterT0(r, 'm1', T0 + 12 * HOUR + 15 * MIN); // the 12 h backstop: a no-usage alert
    const alert = s.alerts.listActive().find((a) => a.type === 'no-usage');
    expect(alert).toBeDefined();
    await r.app.notify!.settle();
    const told = s.outbox.forAlert(alert!.id).map((n) => n.purpose);
    expect(told).toEqual(['check-in']); // only the elder has been asked

    const { token } = s.familyLinks.create({ householdId: 'h1', createdBy: 'admin', now: r.clock.now, ttlMs: 90 * 24 * HOUR });
    const fam = await r.api('GET', `/family/${token}/status`);
    expect(fam.status).toBe(200);
    expect(fam.body.alerts.map((a: any) => a.type)).toEqual(['no-usage']);
    expect(fam.body.alerts[0].progress).toBe('checking-in');
    // The family page itself, in real Chromium.
    const pageText = async (locale: string) => {
      const ctx = await browser.newContext({ locale, timezoneId: 'Asia/Shanghai' });
      const page = await ctx.newPage();
      await page.goto(`${base}/family/${token}`);
      if (locale === 'en') await page.locator('#lang').click();
      await page.locator('#family-status').waitFor();
      if (locale === 'en') await page.locator('#family-status', { hasText: 'alert' }).waitFor();
      const text = await page.locator('#family-status').innerText();
      await ctx.close();
      return text;
    };
    const asking = await pageText('zh-CN');
    expect(asking, asking).not.toContain('已通知社区网格员');
    expect(asking, asking).toContain('正在先向老人本人确认是否平安，暂未通知其他人');
    const askingEn = await pageText('en');
    expect(askingEn, askingEn).toContain('asking the elder directly');
    expect(askingEn, askingEn).not.toContain('grid worker has been notified');

    // No answer within her 30-minute window: the grid worker is told, and the page says so.
    r.clock.now += 31 * MIN;
    await r.app.notify!.settle();
    expect(s.outbox.forAlert(alert!.id).filter((n) => n.purpose === 'alert' && n.status === 'sent').length).toBeGreaterThan(0);
    expect((await r.api('GET', `/family/${token}/status`)).body.alerts[0].progress).toBe('grid-worker-told');
    const afterWindow = await pageText('zh-CN');
    expect(afterWindow, afterWindow).toContain('已通知社区网格员');
  });
});
