// The monitor hands readings to the group commit and tells listeners once they are committed:
// many one-reading messages processed in one turn share one batch, one reaction (not one
// promise per message), and `settled` (what the PUBACK waits for) is that batch's commit.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createMonitor } from '../../src/service/monitor.ts';
import { T0, tempStore } from '../store/temp-store.ts';

describe('the monitor and the group commit', () => {
  it('tells listeners once per commit, with every reading of it, only after it is durable', async () => {
    const { store } = tempStore();
    const monitor = createMonitor({ store, metrics: createMetrics(), detector: defaultDetectorConfig, clock: () => T0, logger: pino({ level: 'silent' }) });
    const heard: Reading[][] = [];
    monitor.onReadingsStored((rs) => {
      // Already in SQLite when heard.
      const durable = rs.every((r) => store.readings.between(r.meterId, r.ts, r.ts + 1).length === 1);
      heard.push(durable ? [...rs] : []);
    });
    const one = (i: number): Reading => ({ meterId: `m-${i % 3}`, ts: T0 + i * 60_000, totalLiters: 100 + i, receivedAt: T0 + i * 60_000 });
    const settles: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      expect(monitor.onReadings([one(i)])).toBeUndefined(); // processed now
      settles.push(monitor.settled(`m-${i % 3}`));
    }
    expect(monitor.queuedReadings).toBe(30);
    expect(heard).toEqual([]);
    expect(new Set(settles).size).toBe(1); // one batch: the same promise for every message
    await Promise.all(settles);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.map((r) => r.ts)).toEqual(Array.from({ length: 30 }, (_, i) => T0 + i * 60_000));
    expect(monitor.queuedReadings).toBe(0);

    // The next turn's messages are the next batch.
    monitor.onReadings([one(30)]);
    await monitor.settled('m-0');
    expect(heard.map((b) => b.length)).toEqual([30, 1]);
  });
});
