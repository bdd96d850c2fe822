// The board's "下次预警" column (src/web/public/next-alert.js) in every state, read from the real
// status API: the countdown while learning and within the hour, the alert open, acknowledged,
// and resolved while the home is still silent (the detector holds its condition until water is
// used: `noUsageHeld`, no new alert — the column once said "—" here and a worker took it for
// "nothing to watch"), away, offline, past the deadline, no meter, no readings, a
// register too coarse to watch. Every key it can give is in both languages.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MIN, T0, household, rig, silentAfterT0, type Rig } from './helpers.ts';
// @ts-expect-error a browser module without types (served as is to the dashboard)
import { nextAlert } from '../../src/web/public/next-alert.js';

let r: Rig;
afterEach(async () => r?.close());

const status = async (id = 'h1') => {
  const res = await r.api('GET', `/api/households/${id}/status`);
  expect(res.status).toBe(200);
  return res.body;
};
const next = async (id = 'h1') => {
  const s = await status(id);
  return nextAlert(s, s.now);
};


describe('the next-alert column, from GET /api/households/:id/status', () => {
  it('counts down, fires, is acknowledged, and once resolved while still silent says so — until water is used again', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    silentAfterT0(r, 'm1', T0 + 2 * HOUR);
    // Learning: the fixed 12 h backstop after the last use.
    expect(await next()).toEqual({ key: 'countdown', at: T0 + 12 * HOUR, learning: true, soon: false });
    r.silence('m1', T0 + 2 * HOUR + 15 * MIN, T0 + 11 * HOUR + 15 * MIN, 1010);
    expect(await next()).toMatchObject({ key: 'countdown', soon: true });

    r.silence('m1', T0 + 11 * HOUR + 30 * MIN, T0 + 12 * HOUR, 1010);
    const fired = await status();
    expect(fired).toMatchObject({ noUsageDeadline: null, noUsageHeld: true });
    expect(nextAlert(fired, fired.now)).toEqual({ key: 'countdown.fired' });
    const id = fired.activeAlerts[0].id;

    expect((await r.api('POST', `/api/alerts/${id}/ack`, { by: '网格员 王' })).status).toBe(200);
    expect(await next()).toEqual({ key: 'countdown.acknowledged' });

    expect((await r.api('POST', `/api/alerts/${id}/resolve`, { by: '网格员 王', note: '电话联系，老人在家' })).status).toBe(200);
    r.silence('m1', T0 + 12 * HOUR + 15 * MIN, T0 + 14 * HOUR, 1010);
    const held = await status();
    // No alert left, no deadline — and the detector still holds the condition: no new alert.
    expect(held).toMatchObject({ activeAlerts: [], noUsageDeadline: null, noUsageHeld: true, lastUseAt: T0 });
    expect(held.meters[0]).toMatchObject({ meterId: 'm1', noUsageHeld: true });
    expect(nextAlert(held, held.now)).toEqual({ key: 'countdown.held', at: T0 });
    expect(r.app.store.alerts.listActive()).toEqual([]);

    // Water again: the condition clears and a new countdown runs from this use.
    r.feed('m1', T0 + 14 * HOUR + 15 * MIN, 1015);
    const after = await status();
    expect(after.noUsageHeld).toBe(false);
    expect(nextAlert(after, after.now)).toMatchObject({ key: 'countdown', at: T0 + 26 * HOUR + 15 * MIN });
  });

  it('past the deadline before the reading that decides it: due, not a countdown to a past time', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    silentAfterT0(r, 'm1', T0 + 11 * HOUR + 45 * MIN);
    r.clock.now = T0 + 12 * HOUR + 5 * MIN; // the 12:00 reading has not come in yet
    expect(await next()).toEqual({ key: 'countdown.due', at: T0 + 12 * HOUR, soon: true });
  });

  it('away: not watched while away (the chip says until when)', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    silentAfterT0(r, 'm1', T0 + HOUR);
    expect((await r.api('PUT', '/api/households/h1/away', { from: r.clock.now, until: r.clock.now + 48 * HOUR })).status).toBe(200);
    expect(await next()).toEqual({ key: 'countdown.away' });
  });

  it('offline: the deadline is not a moment an alert will come at; readings must resume first', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    silentAfterT0(r, 'm1', T0 + HOUR);
    r.clock.now = T0 + 28 * HOUR; // nothing for 27 h: past the unlearned offline limit (26 h)
    r.app.monitor.tick(r.clock.now);
    const s = await status();
    expect(s).toMatchObject({ offline: true, noUsageDeadline: T0 + 12 * HOUR });
    expect(nextAlert(s, s.now)).toEqual({ key: 'countdown.offline', at: T0 + 12 * HOUR });
  });

  it('says why there is nothing to count: no meter, no readings, a register too coarse', async () => {
    r = await rig();
    r.app.store.households.create({ id: 'h0', name: '住户 h0', gridId: 'g1' }, r.clock.now);
    expect(await next('h0')).toEqual({ key: 'countdown.noMeter' });
    household(r, 'h1', 'g1', 'm1');
    expect(await next()).toEqual({ key: 'countdown.noReadings' });
    // The first reading starts the silence clock (detector.ts): a countdown from it, no "no use yet".
    r.silence('m1', T0, T0 + HOUR, 1000);
    expect(await next()).toMatchObject({ key: 'countdown', at: T0 + 12 * HOUR });
    // A register that only ever moves in 50 L steps (over noUsage.maxStepL): its silences say nothing.
    household(r, 'h5', 'g1', 'm5');
    for (let k = 0; k < 12; k++) r.feed('m5', T0 + HOUR + k * HOUR, 1000 + 50 * k);
    const coarse = await status('h5');
    expect(coarse.notWatched).toContain('no-usage');
    expect(nextAlert(coarse, coarse.now)).toEqual({ key: 'countdown.notWatched' });
  });
});

describe('the column in both languages', () => {
  let dict: { zh: Record<string, string>; en: Record<string, string> };
  beforeAll(async () => {
    // i18n.js reads the remembered language at load; there is no localStorage outside a browser.
    (globalThis as any).localStorage ??= { getItem: () => null, setItem: () => {} };
    // @ts-expect-error a browser module without types
    ({ dict } = await import('../../src/web/public/i18n.js'));
  });

  it('has every key next-alert.js gives, in zh and en, with {time} where it names one', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(new URL('../../src/web/public/next-alert.js', import.meta.url), 'utf8');
    const keys = [...src.matchAll(/key: '([\w.]+)'(, at)?/g)].map((m) => [m[1]!, Boolean(m[2])] as const);
    expect(keys.length).toBe(11);
    keys.push(['countdown.learning', false]); // board.js adds it to a countdown while learning
    for (const [key, timed] of keys)
      for (const lang of ['zh', 'en'] as const) {
        expect(dict[lang][key], `${lang} ${key}`).toBeTruthy();
        expect(dict[lang][key]!.includes('{time}'), `${lang} ${key} names a time`).toBe(timed);
      }
  });
});
