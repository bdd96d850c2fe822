// A crash after a meter came back from an outage: the last periodic snapshot still holds its
// "offline" condition, the store shows the offline alert resolved by the meter's own readings.
// After the restart the meter must be watched again: when it falls silent once more, a new
// offline alert comes — not never (a held condition with no open alert), and not at once
// (a silence clock counting from before the first outage).
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { HOUR, T0 } from '../dashboard/helpers.ts';
import { restartable } from './restart-harness.ts';

const offline = (app: App) =>
  app.store.alerts.list({ type: 'offline', limit: 100, offset: 0 }).items.sort((a, b) => a.openedAt - b.openedAt);

describe('restart after an outage cleared since the last snapshot', () => {
  it('alerts on the next outage, counted from the restart, not at once', async () => {
    const x = restartable();
    try {
      x.feed(T0, T0 + HOUR, 1010);
      x.tick(T0 + 28 * HOUR); // 27 h silent: past the unlearned offline limit (26 h)
      expect(offline(x.app).map((a) => a.status)).toEqual(['open']);
      const rows = x.snapshot(); // the periodic save, while offline is held
      x.feed(T0 + 29 * HOUR, T0 + 30 * HOUR, 1010); // the meter is back: resolved by its data
      expect(offline(x.app)[0]).toMatchObject({ status: 'resolved', resolution: 'auto' });

      await x.crash(T0 + 31 * HOUR, rows); // and falls silent again
      expect(x.app.monitor.detector.meters.get('m1')?.active.has('offline')).toBe(false);
      x.tick(T0 + 32 * HOUR);
      // Not at the first tick: the silence since the restart is short yet.
      expect(offline(x.app)).toHaveLength(1);
      for (let k = 33; k <= 60; k++) x.tick(T0 + k * HOUR);
      const again = offline(x.app);
      expect(again.map((a) => a.status)).toEqual(['resolved', 'open']); // before: none, ever
      expect(again[1]!.openedAt).toBeGreaterThan(T0 + 32 * HOUR);
      expect(again[1]!.reason.en).toMatch(/usually reports every 15 min; it has not reported for [1-9]\d* h/);
    } finally {
      await x.close();
    }
  });

  it('an outage still open at the crash stays one alert: the held condition is kept', async () => {
    const x = restartable();
    try {
      x.feed(T0, T0 + HOUR, 1010);
      x.tick(T0 + 28 * HOUR);
      const rows = x.snapshot();
      await x.crash(T0 + 29 * HOUR, rows);
      for (let k = 30; k <= 80; k++) x.tick(T0 + k * HOUR);
      expect(offline(x.app).map((a) => a.status)).toEqual(['open']);
    } finally {
      await x.close();
    }
  });
});
