// anxin_alerts_active is counted when /metrics is rendered (not after every detector event,
// which was quadratic when many meters raised at once): it still says what the book holds at
// every scrape, after a restart, a detector raise or clear, and an operator's resolve.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createMonitor } from '../../src/service/monitor.ts';
import { T0, makeAlert, seedHousehold, tempStore } from '../store/temp-store.ts';

const active = (text: string) => Object.fromEntries([...text.matchAll(/^anxin_alerts_active\{type="([a-z-]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));

describe('the active-alerts gauge', () => {
  it('counts the book at each scrape', async () => {
    const { store } = tempStore();
    seedHousehold(store);
    store.alerts.insert(makeAlert({ id: 'al-1', meterId: 'm-1', type: 'no-usage' }));
    const metrics = createMetrics();
    const monitor = createMonitor({ store, metrics, detector: defaultDetectorConfig, clock: () => T0, logger: pino({ level: 'silent' }) });
    // Restored from the store before any event.
    expect(active(metrics.render())).toMatchObject({ 'no-usage': 1, 'battery-low': 0, leak: 0 });

    const reading = (i: number, battery: number): Reading => ({ meterId: 'm-1', ts: T0 + i * 60_000, totalLiters: 100 + i, receivedAt: T0 + i * 60_000, battery });
    monitor.onReadings([reading(1, 5)]); // battery low: raised
    await monitor.settled('m-1');
    expect(active(metrics.render())).toMatchObject({ 'no-usage': 1, 'battery-low': 1 });
    expect(active(metrics.render())).toMatchObject({ 'no-usage': 1, 'battery-low': 1 }); // unchanged between scrapes

    monitor.onReadings([reading(2, 90)]); // recovered: cleared
    await monitor.settled('m-1');
    expect(active(metrics.render())['battery-low']).toBe(0);

    monitor.recordOperatorChange({ ...makeAlert({ id: 'al-1', meterId: 'm-1', type: 'no-usage' }), status: 'resolved', resolvedAt: T0, resolvedBy: 'op' });
    expect(active(metrics.render())['no-usage']).toBe(0);
  });
});
