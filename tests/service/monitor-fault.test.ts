// A bug of ours in the detector must not lose readings or hang a meter: the monitor stores
// the reading anyway, counts it, logs it, and goes on with the batch, so `settled()` (what
// the QoS 1 PUBACK waits for) still resolves. Real SQLite file; the fault is injected by
// making one meter's detector state throw when it is read.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import type { MeterState } from '../../src/detect/meter-state.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createMonitor } from '../../src/service/monitor.ts';
import { HOUR, T0, seedHousehold, tempStore } from '../store/temp-store.ts';

const MIN = 60_000;
const batch = (meterId: string, n: number): Reading[] =>
  Array.from({ length: n }, (_, i) => ({ meterId, ts: T0 - (n - i) * MIN, totalLiters: 100 + i, receivedAt: T0 }));

describe('the monitor when the detector throws', () => {
  it('stores every reading of a sliced batch, counts the fault and still settles the meter', async () => {
    const { store } = tempStore();
    // Consented households' meters: a batch's later slices are processed only while that holds.
    seedHousehold(store, 'hh-bug', 'm-bug');
    seedHousehold(store, 'hh-ok', 'm-ok');
    const metrics = createMetrics();
    const monitor = createMonitor({ store, metrics, detector: defaultDetectorConfig, clock: () => T0, logger: pino({ level: 'silent' }), sliceMs: 0 });
    // 'm-bug': every access to its state throws, as a bug in the detector would.
    const broken = new Proxy({} as MeterState, {
      get() {
        throw new Error('injected detector bug');
      },
    });
    monitor.detector.meters.set('m-bug', broken);

    const bad = batch('m-bug', 400);
    const good = batch('m-ok', 400);
    const pending = [monitor.onReadings(bad), monitor.onReadings(good)];
    // A zero slice budget makes both batches continue in later turns (the path that used to hang).
    expect(pending.every((p) => p instanceof Promise)).toBe(true);
    await Promise.all([monitor.settled('m-bug'), monitor.settled('m-ok')]);

    expect(store.readings.between('m-bug', T0 - HOUR * 24, T0 + 1)).toHaveLength(400);
    expect(store.readings.between('m-ok', T0 - HOUR * 24, T0 + 1)).toHaveLength(400);
    expect(metrics.readingsRejected.get({ reason: 'internal-error' })).toBe(400);
    expect(monitor.queuedReadings).toBe(0);
    expect(monitor.isBusy('m-bug')).toBe(false);
  });
});
