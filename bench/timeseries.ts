// npm run bench — history writes, measured against a real VictoriaMetrics (Debian's
// victoria-metrics, InfluxDB-compatible /api/v2/write) through the real client:
//   write throughput: accepted readings → WriteApi (batches of 5000, gzip) → server, points/s
//     until the server holds every point;
//   spool drain rate: points spooled to SQLite while the server was down, re-sent after it
//     returns, points/s until the spool is empty.
// Run alone: npx tsx bench/timeseries.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { pino } from 'pino';
import { parseConfig } from '../src/config.ts';
import type { Reading } from '../src/domain/reading.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { openStore } from '../src/store/index.ts';
import { createTimeseriesWriter } from '../src/timeseries/writer.ts';
import { until, VictoriaMetrics, VM_BIN } from '../tests/timeseries/vm.ts';
import { existsSync } from 'node:fs';
import { isMain } from '../src/cli/is-main.ts';

const METERS = 200;
const T0 = Date.parse('2026-01-01T00:00:00+08:00');

function readings(n: number, offset: number): Reading[] {
  const out: Reading[] = [];
  for (let k = 0; k < n; k++) {
    const i = k % METERS;
    const step = offset + Math.floor(k / METERS);
    out.push({ meterId: `b-${i}`, ts: T0 + step * 60_000, totalLiters: 1000 + step * 0.5, flowLpm: 0.5, receivedAt: T0 + step * 60_000 });
  }
  return out;
}

export async function benchTimeseries(writeN = 200_000, drainN = 100_000): Promise<void> {
  if (!existsSync(VM_BIN)) {
    console.log(`timeseries   skipped: ${VM_BIN} not installed (apt-get install victoria-metrics)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'anxin-bench-ts-'));
  const vm = await VictoriaMetrics.start();
  const store = openStore(join(dir, 'anxin.db'));
  for (let i = 0; i < METERS; i++) {
    store.households.create({ id: `h-${i}`, name: `h-${i}`, gridId: `g-${i % 10}` }, T0);
    store.meters.provision(`b-${i}`, `h-${i}`, T0);
  }
  const config = parseConfig({ timeseries: { url: vm.url, token: 'bench', org: 'anxin', bucket: 'anxin', retryMs: 100 } }).timeseries;
  const writer = createTimeseriesWriter({ config, store, metrics: createMetrics(), clock: () => T0, logger: pino({ level: 'silent' }), utcOffsetMinutes: 480 });
  const count = () => vm.count('reading_total_liters');
  try {
    // Write throughput: the service hands readings over in ingest-sized chunks.
    const live = readings(writeN, 0);
    const t0 = performance.now();
    for (let k = 0; k < live.length; k += 1000) {
      writer.readings(live.slice(k, k + 1000));
      await yieldToIo();
    }
    await writer.flush();
    const handed = performance.now();
    await until('every point', async () => ((await count()) >= writeN ? true : undefined), 300_000);
    const secs = (performance.now() - t0) / 1000;
    console.log(`timeseries   write ${writeN.toLocaleString()} readings (${METERS} meters) through the client to VictoriaMetrics: ${Math.round(writeN / secs).toLocaleString()} points/s end to end (${((handed - t0) / 1000).toFixed(1)} s until the client had sent all, ${secs.toFixed(1)} s until the server held all)`);

    // Spool drain: the server is down while drainN readings arrive, then comes back.
    await vm.stop();
    const during = readings(drainN, writeN / METERS + 1);
    for (let k = 0; k < during.length; k += 1000) {
      writer.readings(during.slice(k, k + 1000));
      await yieldToIo();
    }
    await writer.flush();
    const spooled = writer.spooled();
    await vm.restart();
    const d0 = performance.now();
    while (writer.spooled() > 0) await writer.drain();
    const dsecs = (performance.now() - d0) / 1000;
    await until('every drained point', async () => ((await count()) >= writeN + drainN ? true : undefined), 300_000);
    const all = (performance.now() - d0) / 1000;
    console.log(`timeseries   spool drain after an outage: ${spooled.toLocaleString()} points spooled, drained in ${dsecs.toFixed(1)} s = ${Math.round(spooled / dsecs).toLocaleString()} points/s (server held all after ${all.toFixed(1)} s)`);
  } finally {
    await writer.close();
    store.close();
    await vm.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchTimeseries();
