// /metrics serves the service's own metrics and, after them, process and Node runtime
// metrics from prom-client; without InfluxDB configured the writer is simply off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

let app: App;
beforeAll(() => {
  app = createApp(parseConfig({ dbPath: ':memory:', log: { level: 'silent' } }), { clock: () => Date.parse('2026-03-02T00:00:00Z'), jobs: false });
});
afterAll(async () => app?.stop());

describe('/metrics for operators', () => {
  it('adds event-loop lag, heap, GC and process metrics to the service metrics', async () => {
    globalThis.gc?.();
    const res = await app.http.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
    const body = res.body;
    for (const name of [
      'anxin_readings_accepted_total 0',
      'anxin_timeseries_spool_points 0',
      '# TYPE anxin_timeseries_write_errors_total counter',
      '# TYPE nodejs_eventloop_lag_seconds gauge',
      '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
      '# TYPE nodejs_heap_size_used_bytes gauge',
      '# TYPE nodejs_gc_duration_seconds histogram',
      '# TYPE process_cpu_seconds_total counter',
      '# TYPE process_resident_memory_bytes gauge',
    ])
      expect(body).toContain(name);
    // Each family once: the two registries do not overlap.
    const types = body.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
  });

  it('runs without InfluxDB when timeseries is not configured', () => {
    expect(app.config.timeseries.url).toBeUndefined();
    expect(app.timeseries).toBeUndefined();
  });
});
