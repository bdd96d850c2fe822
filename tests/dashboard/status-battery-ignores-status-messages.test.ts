// Regression (a bug hunt found it; fixed): the household status's `battery` comes only from readings (src/http/routes/status.ts:30,
// store.readings.lastBattery), while a meter's `meters/{id}/status` message's battery is seen by the
// detector (src/detect/detector.ts:264) but stored nowhere. A meter whose status says 5 % gets a
// battery-low alert, yet its household page still shows the 80 % of an old reading.
// Correct: `battery` (and `batteryAt`) is the newest level the meter reported, by reading or by status.
import { afterEach, expect, it } from 'vitest';
import { MIN, T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

it('shows the battery level of the latest status message, not an older reading', async () => {
  r = await rig();
  household(r, 'h1', 'g1', 'm1');
  r.feed('m1', T0, 100, { battery: 80 });
  r.clock.now = T0 + 10 * MIN;
  await r.app.monitor.onStatus({ meterId: 'm1', ts: T0 + 10 * MIN, receivedAt: T0 + 10 * MIN, battery: 5 });
  r.app.store.writes.flushSync();
  const s = await r.api('GET', '/api/households/h1/status');
  expect(s.status).toBe(200);
  // The detector did take the status's level: battery-low is open.
  expect(s.body.activeAlerts.map((a: any) => a.type)).toContain('battery-low');
  expect(s.body.battery).toBe(5);
});
