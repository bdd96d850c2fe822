// Issue 9 item 1: a reading behind the watermark is late. If it fits between the readings it
// lies between it is consistent history: stored (so history has it), not used by the detector.
// If it does not (another meter's value, a reset register), it is not history: it goes to the
// dead letters with its reason, for inspection. Both are counted. Real SQLite file.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createMonitor } from '../../src/service/monitor.ts';
import { T0, tempStore } from '../store/temp-store.ts';

const MIN = 60_000;
const at = (min: number, totalLiters: number, receivedAt = T0 + min * MIN): Reading => ({ meterId: 'm-1', ts: T0 + min * MIN, totalLiters, receivedAt });

describe('late readings', () => {
  it('keep those that fit as history and dead-letter those that do not, with the reason', async () => {
    const { store } = tempStore();
    const metrics = createMetrics();
    let now = T0;
    const monitor = createMonitor({ store, metrics, detector: defaultDetectorConfig, clock: () => now, logger: pino({ level: 'silent' }), sliceMs: 4 });
    // A 15-minute meter, 09:15 and 09:30 missing from the stream.
    const inOrder = [0, 15, 30, 45, 60, 75, 120, 135].map((m, i) => at(m, 1000 + 10 * i));
    for (const r of inOrder) {
      now = r.receivedAt;
      await monitor.onReadings([r]);
    }
    await monitor.settled('m-1');
    now = T0 + 140 * MIN;
    const fits = at(90, 1055, now); // between 75 (1050) and 120 (1060)
    const wrong = at(105, 248_000, now); // far outside them
    await monitor.onReadings([fits, wrong]);
    await monitor.settled('m-1');

    expect(store.readings.between('m-1', T0, T0 + 200 * MIN).map((r) => r.ts)).toEqual([...inOrder.map((r) => r.ts), fits.ts].sort((a, b) => a - b));
    const dead = store.deadLetters.list({ limit: 10, offset: 0, meterId: 'm-1' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ meterId: 'm-1', reason: expect.stringMatching(/^late-inconsistent: /) });
    expect(JSON.parse(dead[0]!.payload)).toEqual({ ts: wrong.ts, totalLiters: 248_000 });
    expect(metrics.readingsRejected.get({ reason: 'out-of-order' })).toBe(1);
    expect(metrics.readingsRejected.get({ reason: 'late-inconsistent' })).toBe(1);
    expect(monitor.detector.meters.get('m-1')!.delivery.late).toBe(2);
  });
});
