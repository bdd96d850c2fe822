// The dashboard's API over a real app: the detector's countdown, the board's order, the
// outcome step, usage series and family links. (Grid scoping with real sessions: scope.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MIN, T0, household, rig, silentAfterT0, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());


describe('household status from the detector', () => {
  it('shows the last use and the no-usage deadline, then the open alert once it fires', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    silentAfterT0(r, 'm1', T0 + 2 * HOUR);
    const s = await r.api('GET', '/api/households/h1/status');
    expect(s.status).toBe(200);
    expect(s.body.lastUseAt).toBe(T0);
    // Not learned yet: the fixed 12 h backstop after the last use.
    expect(s.body.routineLearned).toBe(false);
    expect(s.body.noUsageDeadline).toBe(T0 + 12 * HOUR);
    expect(s.body.activeAlerts).toEqual([]);
    expect(s.body.offline).toBe(false);

    r.silence('m1', T0 + 2 * HOUR + 15 * MIN, T0 + 12 * HOUR, 1010);
    const after = await r.api('GET', '/api/households/h1/status');
    expect(after.body.noUsageDeadline).toBeNull(); // none pending: it fired
    expect(after.body.activeAlerts.map((a: any) => a.type)).toEqual(['no-usage']);
    // The list form has the same entry.
    const list = await r.api('GET', '/api/households/status?q=h1');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].activeAlerts[0].type).toBe('no-usage');
    expect((await r.api('GET', '/api/households/status?q=nobody')).body.items).toHaveLength(0);
    expect((await r.api('GET', '/api/households/nope/status')).status).toBe(404);
  });

  it('says which rules its meters cannot support: a meter read every 6 h is not watched for leaks', async () => {
    r = await rig();
    household(r, 'h6', 'g1', 'm6');
    household(r, 'h15', 'g1', 'm15');
    for (let k = 0; k < 8; k++) r.feed('m6', T0 + k * 6 * HOUR, 1000 + 10 * k);
    for (let k = 0; k < 8; k++) r.feed('m15', T0 + k * 15 * MIN, 1000 + 10 * k);
    const six = await r.api('GET', '/api/households/h6/status');
    expect(six.body).toMatchObject({ notWatched: ['leak'], readingIntervalMs: 6 * HOUR });
    expect(six.body.meters[0]).toMatchObject({ meterId: 'm6', notWatched: ['leak'] });
    expect((await r.api('GET', '/api/households/h15/status')).body).toMatchObject({ notWatched: [], readingIntervalMs: 15 * MIN });
  });

  it('away: no countdown while away', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    silentAfterT0(r, 'm1', T0 + HOUR);
    expect((await r.api('PUT', '/api/households/h1/away', { from: r.clock.now, until: r.clock.now + 48 * HOUR })).status).toBe(200);
    const s = await r.api('GET', '/api/households/h1/status');
    expect(s.body.household.awayNow).toBe(true);
    expect(s.body.noUsageDeadline).toBeNull();
  });

  it('the board: open before acknowledged, urgent first', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    household(r, 'h2', 'g1', 'm2');
    r.feed('m2', T0, 500, { battery: 5 }); // battery-low (info)
    silentAfterT0(r, 'm1', T0 + 12 * HOUR); // no-usage (critical)
    const b = await r.api('GET', '/api/board');
    expect(b.body.items.map((a: any) => a.type)).toEqual(['no-usage', 'battery-low']);
    expect(b.body.items[0]).toMatchObject({ severity: 'critical', householdId: 'h1', householdName: '住户 h1', status: 'open' });
    expect(b.body.items[0].reason.zh).toMatch(/未用水/);
    // Acknowledging the urgent one puts the still-open info alert first.
    expect((await r.api('POST', `/api/alerts/${b.body.items[0].id}/ack`, { by: '网格员 王' })).status).toBe(200);
    const b2 = await r.api('GET', '/api/board');
    expect(b2.body.items.map((a: any) => [a.type, a.status])).toEqual([['battery-low', 'open'], ['no-usage', 'acknowledged']]);
    expect(b2.body.open).toBe(1);
    expect((await r.api('GET', '/api/households/h2/status')).body.battery).toBe(5);
  });
});

describe('visit outcome', () => {
  it('is stored on the alert, shown in its timeline, and survives the auto-resolve', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    silentAfterT0(r, 'm1', T0 + 12 * HOUR);
    const [a] = (await r.api('GET', '/api/board')).body.items;
    const bad = await r.api('POST', `/api/alerts/${a.id}/outcome`, { outcome: 'fine', by: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/elder-fine/);
    const ok = await r.api('POST', `/api/alerts/${a.id}/outcome`, { outcome: 'elder-fine', note: '老人摔倒后已扶起，无大碍', by: '网格员 王' });
    expect(ok.status).toBe(200);
    expect(ok.body.outcome).toBe('elder-fine');
    expect(ok.body.history.map((e: any) => e.kind)).toEqual(['opened', 'outcome']);
    expect(ok.body.history[1]).toMatchObject({ by: '网格员 王', note: 'elder-fine: 老人摔倒后已扶起，无大碍' });
    // Water use resumes: the detector clears the condition; the outcome stays on the alert.
    r.feed('m1', r.clock.now + 15 * MIN, 1030);
    const got = await r.api('GET', `/api/alerts/${a.id}`);
    expect(got.body.status).toBe('resolved');
    expect(got.body.outcome).toBe('elder-fine');
    expect((await r.api('POST', '/api/alerts/nope/outcome', { outcome: 'other', by: 'x' })).status).toBe(404);
  });
});

describe('usage series', () => {
  it('sums litres per hour over 24 h and per day over 7 days, ignoring register faults', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    r.feed('m1', T0, 100);
    r.feed('m1', T0 + 10 * MIN, 130); // 30 L in the 08:00 hour
    r.feed('m1', T0 + HOUR + 5 * MIN, 140); // 10 L in the 09:00 hour
    r.clock.now = T0 + 2 * HOUR + 30 * MIN;
    const d = await r.api('GET', '/api/households/h1/usage?range=24h');
    expect(d.status).toBe(200);
    expect(d.body.buckets).toHaveLength(24);
    const byHour = Object.fromEntries(d.body.buckets.map((b: any) => [new Date(b.t).toISOString().slice(11, 13), b.liters]));
    expect(byHour['00']).toBe(30); // 08:00 CST = 00 UTC
    expect(byHour['01']).toBe(10);
    expect(d.body.buckets.reduce((s: number, b: any) => s + b.liters, 0)).toBe(40);
    const w = await r.api('GET', '/api/households/h1/usage?range=7d');
    expect(w.body.buckets).toHaveLength(7);
    expect(w.body.buckets[6].liters).toBe(40);
    expect((await r.api('GET', '/api/households/h1/usage?range=1y')).status).toBe(400);
  });
});

describe('family links', () => {
  it('shows only the consented scope and stops working when revoked', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1', ['water-monitoring', 'family-status']);
    r.feed('m1', T0 - 15 * MIN, 1000);
    r.feed('m1', T0 - 3 * MIN, 1010); // used water at 07:57
    const created = await r.api('POST', '/api/households/h1/family-links', { label: '王奶奶家' });
    expect(created.status).toBe(201);
    const { token, path, link } = created.body;
    expect(path).toBe(`/family/${token}`);
    const page = await r.api('GET', path);
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toMatch(/text\/html/);
    const s = await r.api('GET', `${path}/status`);
    expect(s.status).toBe(200);
    expect(s.body).toEqual({ now: r.clock.now, shares: { status: true, alerts: false }, label: '王奶奶家', usedToday: true, lastUseToday: T0 - 3 * MIN, away: false });
    // Nothing personal: no name, address, meter or household id anywhere in the answer.
    expect(JSON.stringify(s.body)).not.toMatch(/住户|福田|m1|h1/);
    // A forged signature and a made-up token are refused alike.
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await r.api('GET', `/family/${forged}/status`)).status).toBe(404);
    expect((await r.api('GET', '/family/nonsense/status')).status).toBe(404);
    expect((await r.api('GET', '/api/households/h1/family-links')).body.items.map((l: any) => l.id)).toEqual([link.id]);
    // Each view is in the access log under the link's id, never its token.
    const views = r.app.store.accessLog.list({ householdId: 'h1', limit: 50, offset: 0 }).items.filter((e) => e.action === 'family-view');
    expect(views.map((e) => e.actor)).toEqual([`family-link:${link.id}`]);
    expect(JSON.stringify(views)).not.toContain(token.split('.')[1]);
    expect((await r.api('DELETE', `/api/family-links/${link.id}`)).body.revokedAt).toBe(r.clock.now);
    expect((await r.api('GET', `${path}/status`)).status).toBe(404);
  });

  it('shares an open alert and who is on it only with the family-alerts scope; nothing without consent', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1', ['water-monitoring', 'family-alerts']);
    const { token } = (await r.api('POST', '/api/households/h1/family-links', {})).body;
    silentAfterT0(r, 'm1', T0 + 12 * HOUR);
    const [a] = (await r.api('GET', '/api/board')).body.items;
    await r.api('POST', `/api/alerts/${a.id}/ack`, { by: '网格员 王' });
    const s = (await r.api('GET', `/family/${token}/status`)).body;
    expect(s.shares).toEqual({ status: false, alerts: true });
    expect(s.usedToday).toBeUndefined();
    expect(s.alerts).toEqual([{ type: 'no-usage', status: 'acknowledged', openedAt: a.openedAt, acknowledgedBy: '网格员 王', acknowledgedAt: r.clock.now }]);
    r.app.store.households.withdrawConsent('h1', r.clock.now);
    expect((await r.api('GET', `/family/${token}/status`)).status).toBe(404);
  });
});

describe('pages', () => {
  it('serves the dashboard, its modules and the chart library locally', async () => {
    r = await rig();
    const index = await r.api('GET', '/');
    expect(index.status).toBe(200);
    expect(String(index.headers['content-security-policy'])).toMatch(/default-src 'self'/);
    expect(index.body).toMatch(/<html lang="zh-CN">/);
    for (const f of ['/app.js', '/board.js', '/alert.js', '/household.js', '/live.js', '/i18n.js', '/style.css', '/vendor/uplot/uPlot.esm.js', '/vendor/uplot/uPlot.min.css'])
      expect((await r.api('GET', f)).status, f).toBe(200);
    expect((await r.api('GET', '/vendor/uplot/package.json')).status).toBe(404);
    expect((await r.api('GET', '/../package.json')).status).toBe(404);
  });
});
