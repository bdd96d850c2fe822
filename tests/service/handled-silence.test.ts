// A condition a person has already seen to must not alert again: a silence not after the
// household comes back early from a trip ("已回家"), nor after a restart; an outage not after a
// restart either (a check-in resolved without an outcome: tests/detect/check-in.test.ts). Each over the real app: SQLite file, HTTP API, the monitor fed as ingest does.
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { HOUR, MIN, T0, household, rig, type Rig } from '../dashboard/helpers.ts';
import { restartable } from './restart-harness.ts';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});


const ofType = (app: App, type: string) => app.store.alerts.list({ limit: 100, offset: 0 }).items.filter((a) => a.type === type).sort((a, b) => a.openedAt - b.openedAt);
const noUsage = (app: App) => ofType(app, 'no-usage');

describe('back home early', () => {
  it('the silence at home counts from the return, not from the last use before the trip', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    r.feed('m1', T0, 1000);
    expect((await r.api('PUT', '/api/households/h1/away', { from: T0 + 30 * MIN, until: T0 + 96 * HOUR })).status).toBe(200);
    r.silence('m1', T0 + 15 * MIN, T0 + 48 * HOUR, 1000);
    const back = await r.api('DELETE', '/api/households/h1/away');
    // The trip is kept, ended now: that is where the silence at home begins.
    expect(back.body).toMatchObject({ awayFrom: T0 + 30 * MIN, awayUntil: T0 + 48 * HOUR, awayNow: false });
    r.silence('m1', T0 + 48 * HOUR + 15 * MIN, T0 + 59 * HOUR, 1000);
    expect(noUsage(r.app)).toEqual([]); // before: raised at 48:15, "silent for 48 h"
    // Still watched: the unlearned 12 h backstop from the return.
    r.silence('m1', T0 + 59 * HOUR + 15 * MIN, T0 + 61 * HOUR, 1000);
    const raised = noUsage(r.app);
    expect(raised).toHaveLength(1);
    expect(raised[0]!.observedAt).toBe(T0 + 60 * HOUR);
  });

  it('cancels a trip not yet begun, and leaves one already over as it was', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    await r.api('PUT', '/api/households/h1/away', { from: T0 + 24 * HOUR, until: T0 + 48 * HOUR });
    const cancelled = await r.api('DELETE', '/api/households/h1/away');
    expect(cancelled.body).not.toHaveProperty('awayFrom');
    expect(cancelled.body).not.toHaveProperty('awayUntil');
    await r.api('PUT', '/api/households/h1/away', { from: T0 - 48 * HOUR, until: T0 - 24 * HOUR });
    const over = await r.api('DELETE', '/api/households/h1/away');
    expect(over.body).toMatchObject({ awayFrom: T0 - 48 * HOUR, awayUntil: T0 - 24 * HOUR, awayNow: false });
  });
});

describe('a no-usage alert resolved while the home is still silent', () => {
  it('is not raised again after a restart, and the next silence after use still alerts', async () => {
    const x = restartable();
    try {
      x.feed(T0, T0 + 12 * HOUR, 1010);
      const [alert] = noUsage(x.app);
      expect(alert).toMatchObject({ status: 'open' });
      await x.resolve(alert!.id);
      x.feed(T0 + 12 * HOUR + 15 * MIN, T0 + 13 * HOUR, 1010);
      await x.restart(T0 + 14 * HOUR);
      x.feed(T0 + 14 * HOUR, T0 + 30 * HOUR, 1010);
      expect(noUsage(x.app).map((a) => a.status)).toEqual(['resolved']); // before: a second alert at 14:00
      // …and the board still says why there is no countdown (next-alert.js "held").
      const status = await x.app.http.inject({ method: 'GET', url: '/api/households/h1/status' });
      expect(status.json()).toMatchObject({ noUsageHeld: true, noUsageDeadline: null });
      // Water again, then silence: watched as ever (12 h backstop).
      x.feed(T0 + 30 * HOUR + 15 * MIN, T0 + 30 * HOUR + 15 * MIN, 1020);
      x.feed(T0 + 30 * HOUR + 30 * MIN, T0 + 43 * HOUR, 1020);
      expect(noUsage(x.app).map((a) => a.status)).toEqual(['resolved', 'open']);
    } finally {
      await x.close();
    }
  });
});

describe('an offline alert resolved while the meter is still silent', () => {
  it('is not raised again after a restart; once the meter reports, the next outage alerts', async () => {
    const x = restartable();
    try {
      x.feed(T0, T0 + HOUR, 1010);
      x.tick(T0 + 28 * HOUR); // nothing for 27 h: past the unlearned offline limit (26 h)
      const [alert] = ofType(x.app, 'offline');
      expect(alert).toMatchObject({ status: 'open' });
      await x.resolve(alert!.id); // "the meter is being replaced"
      await x.restart(T0 + 29 * HOUR);
      for (let k = 30; k <= 60; k += 1) x.tick(T0 + k * HOUR);
      expect(ofType(x.app, 'offline').map((a) => a.status)).toEqual(['resolved']); // before: again at the first tick
      x.feed(T0 + 61 * HOUR, T0 + 62 * HOUR, 1010); // back
      x.tick(T0 + 90 * HOUR);
      expect(ofType(x.app, 'offline').map((a) => a.status)).toEqual(['resolved', 'open']);
    } finally {
      await x.close();
    }
  });
});
