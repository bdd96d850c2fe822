// The real service in a child process, with notifications on (kill9-notify.test.ts): createApp
// on the SQLite file named by ANXIN_DB, the `notify` slice from ANXIN_TEST_NOTIFY (JSON: a
// provider pointed at the test's local server), ephemeral loopback ports printed as one JSON
// line. Only the notify job runs (every 200 ms, like createApp's notify-tick): the detector's
// wall-clock tick would raise "offline" for these meters, whose readings are months old.
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

const config = parseConfig({
  dbPath: process.env.ANXIN_DB,
  mqtt: { port: 0, host: '127.0.0.1' },
  http: { port: 0, host: '127.0.0.1' },
  log: { level: 'info' },
  limits: { mqtt: { publish: { ratePerSecond: 100_000, burst: 1_000_000, bytesPerSecond: 1 << 30, burstBytes: 1 << 30 } } },
  notify: JSON.parse(process.env.ANXIN_TEST_NOTIFY ?? '{}') as unknown,
});
const app = createApp(config, { jobs: false });
const ports = await app.start();
const tick = setInterval(() => app.notify?.tick(), 200);
process.stdout.write(JSON.stringify({ ready: true, ...ports }) + '\n');
process.on('SIGTERM', () => {
  clearInterval(tick);
  void app.stop().then(() => process.exit(0));
});
