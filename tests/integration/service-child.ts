// The real service in a child process (kill -9 and load-shaped tests): createApp on the
// SQLite file named by ANXIN_DB, ephemeral ports on loopback, printed as one JSON line.
// ANXIN_TEST_LIMITS (JSON) overrides the `limits` slice. SIGTERM stops cleanly (detector
// state saved); SIGKILL is the crash under test.
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

const extra = process.env.ANXIN_TEST_LIMITS ? (JSON.parse(process.env.ANXIN_TEST_LIMITS) as Record<string, unknown>) : {};
const config = parseConfig({
  dbPath: process.env.ANXIN_DB,
  mqtt: { port: 0, host: '127.0.0.1' },
  http: { port: 0, host: '127.0.0.1' },
  log: { level: 'info' },
  // The tests' meters publish as fast as loopback allows.
  limits: { mqtt: { publish: { ratePerSecond: 100_000, burst: 1_000_000, bytesPerSecond: 1 << 30, burstBytes: 1 << 30 } }, ...extra },
});
const app = createApp(config, { jobs: false });
const ports = await app.start();
process.stdout.write(JSON.stringify({ ready: true, ...ports }) + '\n');
process.on('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
