// The real service (createApp over a real SQLite file, on a manual clock, no cron jobs) writing
// its history to a given InfluxDB URL, stopped and its files removed after each test; and the
// consenting households and readings the history tests feed it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig, type ConfigInput } from '../../src/config.ts';
import type { Store } from '../../src/store/index.ts';

export interface InfluxAppOptions {
  security?: ConfigInput['security'];
  /** Over the defaults: no flush by the clock during a test (60 s), a 2 s timeout. */
  timeseries?: Record<string, unknown>;
}

export function influxApps(): {
  start(url: string, now: { t: number }, opts?: InfluxAppOptions): App;
  /** Run after the app has stopped (its stop flushes to the server): close the server here. */
  afterStop(f: () => Promise<unknown>): void;
} {
  let app: App | undefined;
  let dir = '';
  const after: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await app?.stop();
    for (const f of after.splice(0)) await f();
    if (dir) rmSync(dir, { recursive: true, force: true });
    app = undefined;
    dir = '';
  });
  return {
    start(url, now, opts = {}) {
      dir = mkdtempSync(join(tmpdir(), 'anxin-influx-app-'));
      const config = parseConfig({
        dbPath: join(dir, 'anxin.db'),
        mqtt: { port: 0, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
        log: { level: 'silent' },
        ...(opts.security && { security: opts.security }),
        timeseries: { url, token: 't', org: 'o', bucket: 'b', flushIntervalMs: 60_000, timeoutMs: 2000, ...opts.timeseries },
      } as ConfigInput);
      return (app = createApp(config, { clock: () => now.t, jobs: false }));
    },
    afterStop: (f) => void after.push(f),
  };
}

/** Households in grid g1 that consented at `at`, each with its meter: [[householdId, meterId], …]. */
export function consentingHomes(s: Store, homes: readonly (readonly [string, string])[], at: number): void {
  for (const [h, m] of homes) {
    s.households.create({ id: h, name: `住户 ${h}`, gridId: 'g1' }, at);
    s.households.giveConsent(h, { consentedBy: '本人', consentedAt: at, scope: ['water-monitoring'] });
    s.meters.provision(m, h, at);
  }
}

/** One reading received at `receivedAt` (the clock moves there), processed and committed. */
export function feed(app: App, now: { t: number }, meterId: string, ts: number, totalLiters: number, receivedAt = ts): void {
  now.t = receivedAt;
  app.monitor.onReadings([{ meterId, ts, totalLiters, receivedAt }]);
  app.store.writes.flushSync();
}
