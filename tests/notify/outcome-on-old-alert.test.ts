// Regression test (found by a review, 2026-12-07; fixed with it). The bug, as it was:
// POST /api/alerts/:id/outcome on an OLD, already resolved no-usage alert (a visit written up
// late — the route allows any status) while a NEW no-usage alert of the same meter is open:
// monitor.recordOperatorChange → learnFromOutcome acts on the meter's CURRENT silence, not the
// silence the answered alert was about.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { HOUR, MIN, T0 } from '../dashboard/helpers.ts';

let app: App | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  app = dir = undefined;
});

function boot() {
  dir = mkdtempSync(join(tmpdir(), 'anxin-hunt-'));
  const clock = { now: T0 };
  const config = parseConfig({
    dbPath: join(dir, 'anxin.db'),
    mqtt: { port: 0, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    detector: { noUsage: { checkIn: { enabled: true } } },
    notify: { enabled: false },
  });
  app = createApp(config, { clock: () => clock.now, jobs: false });
  const s = app.store;
  s.households.create({ id: 'h1', name: '住户 h1', gridId: 'g1' }, T0);
  s.households.giveConsent('h1', { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
  s.meters.provision('m1', 'h1', T0);
  const a = app;
  const feed = (from: number, to: number, total: number) => {
    for (let t = from; t <= to; t += 15 * MIN) {
      clock.now = t;
      a.monitor.onReadings([{ meterId: 'm1', ts: t, totalLiters: total, receivedAt: t }]);
      a.store.writes.flushSync();
    }
  };
  return { app: a, clock, feed };
}

const noUsage = (a: App) =>
  a.store.alerts.list({ limit: 100, offset: 0 }).items.filter((x) => x.type === 'no-usage').sort((x, y) => x.openedAt - y.openedAt);

async function lateOutcome() {
  const h = boot();
  // Yesterday: use, a silence that raised no-usage (check-in, then confirmed), then use again.
  h.feed(T0, T0, 1000);
  h.feed(T0 + 15 * MIN, T0 + 13 * HOUR, 1000);
  h.feed(T0 + 13 * HOUR + 15 * MIN, T0 + 13 * HOUR + 15 * MIN, 1010);
  const [old] = noUsage(h.app);
  expect(old).toMatchObject({ status: 'resolved', stage: 'confirmed' });
  // Today: a new silence; its check-in stage opens (10 h backstop while learning).
  h.feed(T0 + 13 * HOUR + 30 * MIN, T0 + 23 * HOUR + 45 * MIN, 1010);
  const current = noUsage(h.app).at(-1)!;
  expect(current.id).not.toBe(old!.id);
  expect(current).toMatchObject({ status: 'open', stage: 'check-in' });
  // The grid worker writes up yesterday's visit now.
  const res = await h.app.http.inject({ method: 'POST', url: `/api/alerts/${old!.id}/outcome`, payload: { outcome: 'elder-fine', by: '网格员 王' } });
  expect(res.statusCode).toBe(200);
  return { h, current };
}

describe('an outcome recorded late on an old, resolved no-usage alert', () => {
  it('does not teach the CURRENT silence (still being judged) as a normal one', async () => {
    const { h } = await lateOutcome();
    const m = h.app.monitor.detector.meters.get('m1')!;
    expect(m.routine.taught).toEqual([]); // before the fix: [start of today's silence, now]
  });

  it("does not stop today's open check-in from being confirmed at its full deadline", async () => {
    const { h, current } = await lateOutcome();
    h.feed(T0 + 24 * HOUR, T0 + 26 * HOUR, 1010); // past the 12 h backstop of today's silence
    expect(h.app.store.alerts.get(current.id)).toMatchObject({ status: 'open', stage: 'confirmed' });
    expect(h.app.store.alerts.history(current.id).some((e) => e.kind === 'escalated')).toBe(true);
  });

  it('control: without the late outcome, today\'s check-in is confirmed', async () => {
    const h = boot();
    h.feed(T0, T0, 1000);
    h.feed(T0 + 15 * MIN, T0 + 13 * HOUR, 1000);
    h.feed(T0 + 13 * HOUR + 15 * MIN, T0 + 13 * HOUR + 15 * MIN, 1010);
    h.feed(T0 + 13 * HOUR + 30 * MIN, T0 + 26 * HOUR, 1010);
    expect(noUsage(h.app).at(-1)).toMatchObject({ status: 'open', stage: 'confirmed' });
  });
});
