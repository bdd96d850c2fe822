// What the user saw: after DELETE /api/households/:id (or a consent withdrawal) the household's
// last readings were still in InfluxDB and on Grafana's household dashboard, while ts_erasures
// was empty and anxin_timeseries_erasures_total{outcome="deleted"} said it was done: they were
// stamped a little ahead of the service clock (a meter clock running 90 s fast, which ingest
// and the detector accept), and the InfluxDB delete stopped at "now".
// The fix: the delete's stop is two days past the time of sending (src/timeseries/erase.ts
// DELETE_AHEAD_MS), beyond ingest's one-day future limit.
// README (Security, "PIPL data lifecycle"): "Points InfluxDB already holds are deleted too"
// (PIPL Art. 47).
import { expect, it } from 'vitest';
import { lineTags } from '../../src/timeseries/line-protocol.ts';
import { T0 } from '../dashboard/helpers.ts';
import { fakeInflux } from './influx-fake.ts';
import { consentingHomes, feed, influxApps } from './influx-app.ts';

const apps = influxApps();

it('deletes every point of the erased household, including those stamped a minute ahead', async () => {
  const influx = await fakeInflux();
  apps.afterStop(() => influx.close());
  const now = { t: T0 };
  const app = apps.start(influx.url, now, { security: { erasureGraceDays: 0 } });
  consentingHomes(app.store, [['h1', 'm1']], T0);
  // A meter whose clock runs 90 s fast (below clock.correctAboveMs, 2 min: not even corrected).
  for (let i = 0; i < 5; i++) feed(app, now, 'm1', T0 + i * 60_000 + 90_000, 100 + i, T0 + i * 60_000);
  await app.monitor.flush();
  await app.timeseries!.flush();
  const held = () => influx.lines.filter((l) => lineTags(l).get('household') === 'h1');
  expect(held().filter((l) => l.startsWith('reading,')).length).toBe(5); // accepted and written

  const del = await app.http.inject({ method: 'DELETE', url: '/api/households/h1' });
  expect(del.statusCode).toBe(200);
  await app.timeseries!.sendErasures();
  await app.timeseries!.erasuresSettled();
  expect(influx.deletes.length).toBeGreaterThan(0);
  expect(app.store.tsErasures.count()).toBe(0); // Anxin believes the deletion is complete
  expect(held()).toEqual([]); // …so nothing of the household may remain in InfluxDB
});
