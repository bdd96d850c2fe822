// What the user saw: an admin withdrew a household's consent (erasure after a grace period,
// security.erasureGraceDays 30); the readings Anxin had buffered in the last second, and the
// "resolved" event of the alert the withdrawal closed, were written to InfluxDB afterwards and
// stayed there, visible in Grafana, for the whole grace period.
// The fix: the writer keeps its own buffer (src/timeseries/writer.ts), from which
// forgetHousehold takes the household's points not yet sent; the withdrawal's own resolve is
// not written at all (src/app.ts onOperatorChange).
// README (Security, "PIPL data lifecycle"): "its points not yet sent to InfluxDB (spool and
// writer memory) are dropped" at the withdrawal — processing stops at once (PIPL Art. 15).
import { expect, it } from 'vitest';
import { lineTags } from '../../src/timeseries/line-protocol.ts';
import { T0 } from '../dashboard/helpers.ts';
import { makeAlert } from '../store/temp-store.ts';
import { fakeInflux } from '../timeseries/influx-fake.ts';
import { consentingHomes, feed, influxApps } from '../timeseries/influx-app.ts';

const apps = influxApps();

it('sends none of a withdrawn household’s buffered points to InfluxDB (grace period before erasure)', async () => {
  const influx = await fakeInflux();
  apps.afterStop(() => influx.close());
  const now = { t: T0 };
  // No flush by the clock during the test (the helper's 60 s): the points wait in the writer's memory.
  const app = apps.start(influx.url, now, { security: { erasureGraceDays: 30 } });
  const s = app.store;
  consentingHomes(s, [['h1', 'm1'], ['h2', 'm2']], T0);
  for (let i = 0; i < 3; i++) for (const m of ['m1', 'm2']) feed(app, now, m, T0 + i * 60_000, 100 + i);
  await app.monitor.flush();
  s.alerts.insert(makeAlert({ id: 'al-1', meterId: 'm1', openedAt: now.t })); // closed by the withdrawal
  expect(influx.received).toEqual([]); // still in the writer's memory

  const res = await app.http.inject({ method: 'POST', url: '/api/households/h1/consent/withdraw', payload: {} });
  expect(res.statusCode).toBe(200);
  expect(res.json().erased).toBeUndefined(); // erasure waits out the grace period
  expect(res.json().closedAlerts).toEqual(['al-1']);

  await app.timeseries!.flush();
  const of = (h: string, m: string) => influx.received.filter((l) => { const t = lineTags(l); return t.get('household') === h || t.get('meter') === m; });
  expect(of('h2', 'm2').length).toBeGreaterThan(0); // the other household's history goes on
  expect(of('h1', 'm1')).toEqual([]); // nothing of the withdrawn one is sent after the withdrawal
});
