// The board's household list "按状态（需关注的在前）" (src/web/public/board-order.js), over the
// real status API. A home whose no-usage alert was handled while it is still silent (held:
// the detector will not alert again until water is used) once sorted below a home merely
// counting down — it has no deadline, and "no deadline" sorted last — so a worker scanning
// the top of the list missed the one home that had been silent past its limit.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MIN, T0, household, rig, type Rig } from './helpers.ts';
// @ts-expect-error a browser module without types (served as is to the dashboard)
import { heldNote, isHeld, sortHouseholds, stateRank } from '../../src/web/public/board-order.js';

let r: Rig;
afterEach(async () => r?.close());

const ids = (rows: { household: { id: string } }[]) => rows.map((s) => s.household.id);

/** Every meter read each 15 min from T0 − 15 min to `to`; `used(meterId, t)` litres at t. */
function feedAll(from: number, to: number, totals: Record<string, number>, used: (m: string, t: number) => number) {
  for (let t = from; t <= to; t += 15 * MIN)
    for (const m of Object.keys(totals)) r.feed(m, t, (totals[m]! += used(m, t)));
}

describe('the board sorted by state, from GET /api/households/status', () => {
  it('puts a held home below the open alert and above the homes counting down or away', async () => {
    r = await rig();
    // By name the held home would come last but one; by deadline (none: last of its rank) below 'counting'.
    household(r, 'alert', 'g1', 'mA');
    household(r, 'held', 'g1', 'mH');
    household(r, 'counting', 'g1', 'mC');
    household(r, 'away', 'g1', 'mW');
    const totals = { mA: 1000, mH: 2000, mC: 3000, mW: 4000 };
    // Water at T0 everywhere, then silence in mA and mH until both no-usage alerts fire (the
    // 12 h backstop while the routine is unlearned); mC and mW use water every few hours.
    const use = (m: string, t: number) => (t === T0 || ((m === 'mC' || m === 'mW') && (t - T0) % (3 * HOUR) === 0) ? 10 : 0);
    feedAll(T0 - 15 * MIN, T0 + 12 * HOUR, totals, use);
    const alerts = r.app.store.alerts.listActive();
    expect(alerts.map((a) => a.meterId).sort()).toEqual(['mA', 'mH']);
    const heldAlert = alerts.find((a) => a.meterId === 'mH')!;
    expect((await r.api('POST', `/api/alerts/${heldAlert.id}/ack`, { by: '网格员 王' })).status).toBe(200);
    expect((await r.api('POST', `/api/alerts/${heldAlert.id}/resolve`, { by: '网格员 王', note: '电话联系，老人说没事' })).status).toBe(200);
    expect((await r.api('PUT', '/api/households/away/away', { from: r.clock.now, until: r.clock.now + 48 * HOUR })).status).toBe(200);
    feedAll(T0 + 12 * HOUR + 15 * MIN, T0 + 13 * HOUR, totals, use);

    const res = await r.api('GET', '/api/households/status');
    expect(res.status).toBe(200);
    const { now, items } = res.body;
    const by = Object.fromEntries(items.map((s: any) => [s.household.id, s]));
    // The states are what the test says they are (the API's, not made up here).
    expect(by.held).toMatchObject({ activeAlerts: [], noUsageHeld: true, noUsageDeadline: null, lastUseAt: T0 });
    expect(by.counting).toMatchObject({ activeAlerts: [], noUsageHeld: false, noUsageDeadline: T0 + 24 * HOUR });
    expect(by.alert.activeAlerts).toMatchObject([{ type: 'no-usage', status: 'open' }]);
    expect(by.away.household.awayNow).toBe(true);
    expect(items.filter((s: any) => isHeld(s, now)).map((s: any) => s.household.id)).toEqual(['held']);

    expect(ids(sortHouseholds([...items], 'state', now))).toEqual(['alert', 'held', 'counting', 'away']);
    // Whatever order they arrive in.
    expect(ids(sortHouseholds([...items].reverse(), 'state', now))).toEqual(['alert', 'held', 'counting', 'away']);
    // An alert is waiting (mA's): the alerts section notes the held home below it, which its
    // list of alerts does not show — it said nothing of it.
    const waiting = (await r.api('GET', '/api/board')).body.items.filter((a: any) => a.status !== 'resolved');
    expect(waiting.map((a: any) => a.householdId)).toEqual(['alert']);
    expect(heldNote(items, waiting.length, now)).toEqual({ key: 'board.heldMore.one', held: 1 });
    expect(heldNote(items, 0, now)).toEqual({ key: 'board.held.one', held: 1 });
    expect(heldNote(items.filter((s: any) => s.household.id !== 'held'), waiting.length, now)).toBeNull();
  });
});

describe('stateRank and its ties (the shape of the API above)', () => {
  const NOW = T0 + 20 * HOUR;
  const home = (id: string, o: Record<string, unknown> = {}) => ({
    household: { id, name: `住户 ${id}`, awayNow: false }, activeAlerts: [], offline: false, noUsageHeld: false,
    noUsageDeadline: NOW + HOUR, lastUseAt: NOW - 2 * HOUR, lastReportAt: NOW, routineLearned: true, notWatched: [], meters: [{ status: 'active' }], ...o,
  });
  const held = (id: string, lastUseAt: number) => home(id, { noUsageHeld: true, noUsageDeadline: null, lastUseAt });

  it('ranks urgent alert, alert, held, offline, the rest, away', () => {
    const rows = [
      home('away', { household: { id: 'away', name: 'a', awayNow: true }, noUsageDeadline: null }),
      home('fine'),
      home('offline', { offline: true }),
      held('held', NOW - 14 * HOUR),
      home('info', { activeAlerts: [{ severity: 'info', type: 'battery-low', status: 'open' }] }),
      home('urgent', { activeAlerts: [{ severity: 'critical', type: 'no-usage', status: 'acknowledged' }] }),
    ];
    expect(rows.map((s) => stateRank(s, NOW))).toEqual([5, 4, 3, 2, 1, 0]);
    expect(ids(sortHouseholds(rows, 'state', NOW))).toEqual(['urgent', 'info', 'held', 'offline', 'fine', 'away']);
  });

  it('orders held homes the longest silent first, and leaves the other sorts as they were', () => {
    const rows = [held('b', NOW - 13 * HOUR), held('c', NOW - 30 * HOUR), held('a', NOW - 13 * HOUR)];
    expect(ids(sortHouseholds([...rows], 'state', NOW))).toEqual(['c', 'a', 'b']);
    expect(ids(sortHouseholds([...rows], 'name', NOW))).toEqual(['a', 'b', 'c']);
    expect(ids(sortHouseholds([home('x', { lastUseAt: null }), ...rows], 'lastUse', NOW))).toEqual(['x', 'c', 'a', 'b']);
  });

  it('counts the held homes for the note under the alerts waiting, or for the banner when none is', () => {
    const rows = [held('a', NOW - 13 * HOUR), held('b', NOW - 20 * HOUR), home('c'), home('d', { activeAlerts: [{ severity: 'critical', type: 'no-usage', status: 'open' }] })];
    expect(heldNote(rows, 1, NOW)).toEqual({ key: 'board.heldMore', held: 2 });
    expect(heldNote(rows, 0, NOW)).toEqual({ key: 'board.held', held: 2 });
    expect(heldNote(rows.slice(1), 3, NOW)).toEqual({ key: 'board.heldMore.one', held: 1 });
    expect(heldNote(rows.slice(2), 1, NOW)).toBeNull();
  });

  it('a held home with its no-usage alert still out is ranked by that alert, not as held', () => {
    const s = held('h', NOW - 13 * HOUR);
    s.activeAlerts = [{ severity: 'critical', type: 'no-usage', status: 'open' }] as never;
    expect([isHeld(s, NOW), stateRank(s, NOW)]).toEqual([false, 0]);
  });
});

describe('the banner and the note for held homes, in both languages', () => {
  let dict: { zh: Record<string, string>; en: Record<string, string> };
  beforeAll(async () => {
    (globalThis as any).localStorage ??= { getItem: () => null, setItem: () => {} };
    // @ts-expect-error a browser module without types
    ({ dict } = await import('../../src/web/public/i18n.js'));
  });

  it('has its keys in zh and en, counted, and never says all is well', () => {
    for (const lang of ['zh', 'en'] as const) {
      for (const key of ['board.noneWaiting', 'board.heldText']) expect(dict[lang][key], `${lang} ${key}`).toBeTruthy();
      for (const key of ['board.held', 'board.held.one']) expect(dict[lang][key], `${lang} ${key}`).toMatch(/\{held\}.*\{n\}|\{n\}.*\{held\}/);
      for (const key of ['board.heldMore', 'board.heldMore.one']) expect(dict[lang][key], `${lang} ${key}`).toContain('{held}');
      expect(dict[lang]['board.heldShow'], `${lang} board.heldShow`).toBeTruthy();
      for (const key of ['board.noneWaiting', 'board.held', 'board.held.one', 'board.heldText', 'board.heldMore', 'board.heldMore.one'])
        expect(dict[lang][key]).not.toContain(dict[lang]['board.calm']!);
    }
  });
});
