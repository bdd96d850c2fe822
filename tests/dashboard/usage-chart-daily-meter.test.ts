// What the user saw: a grid worker opened the household page of an elder whose NB-IoT meter
// reports once a day; of seven days of steady ~300 L use, the 7-day chart's oldest bar was
// empty, as if no water had been used that day.
// The fix: GET /api/households/:id/usage reads each meter's readings from its last reading
// before the window (src/store/readings.ts lastBefore, one step down the primary key), not from
// a fixed hour before it, so the window's first interval has its start however rarely the
// meter reports.
// README (Dashboard): "24-hour (L/hour) and 7-day (L/day) charts from the stored readings".
import { afterEach, expect, it } from 'vitest';
import { household, rig, type Rig } from './helpers.ts';

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
