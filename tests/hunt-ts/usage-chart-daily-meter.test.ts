// Defect: the household page's 7-day chart (GET /api/households/:id/usage?range=7d) shows 0 L for
// its first day whenever the meter reports less often than hourly (an NB-IoT meter reporting
// once a day, which README's detector section names: "a daily meter whose largest day was 345 L").
// What the user sees: a grid worker opens the household; of seven days of steady ~300 L use,
// the oldest bar is empty, as if the elder used no water that day.
// README (Dashboard): "7-day (L/day) charts from the stored readings". Why wrong:
// src/http/routes/usage.ts reads readings from `from - HOUR` only ("one extra hour: the first
// interval has a reading to start from"), so the first day's interval, which starts 24 h before
// its reading, has no previous reading in the window and is dropped (LAG is NULL). The
// InfluxDB usage (src/store/timeseries.ts) looks back a whole day for the same reason.
import { afterEach, expect, it } from 'vitest';
import { household, rig, type Rig } from '../dashboard/helpers.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

it('counts the first day of the 7-day chart for a meter that reports once a day', async () => {
  const first = Date.parse('2026-02-01T00:30:00+08:00'); // each reading at 00:30 local
  r = await rig();
  r.clock.now = first;
  household(r, 'h1', 'g1', 'm1');
  const days = 20;
  for (let d = 0; d <= days; d++) r.feed('m1', first + d * DAY, 1000 + 300 * d);
  const res = await r.api('GET', '/api/households/h1/usage?range=7d');
  expect(res.status).toBe(200);
  const buckets = res.body.buckets as { t: number; liters: number }[];
  expect(buckets).toHaveLength(7);
  // Every local day of the window has a reading whose interval (the previous 24 h) held 300 L.
  expect(buckets.map((b) => b.liters)).toEqual([300, 300, 300, 300, 300, 300, 300]);
});
