// Thin entry point: load config, build the app, start it, stop cleanly on signals.
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { StoreOpenError } from './store/index.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
let app;
try {
  app = createApp(config);
} catch (err) {
  // A missing directory, a corrupt or read-only file: one line that says what to do.
  if (!(err instanceof StoreOpenError)) throw err;
  console.error(err.message);
  process.exit(2);
}
const ports = await app.start();
console.log(`Anxin 安心 is running — MQTT on port ${ports.mqttPort}, HTTP on http://localhost:${ports.httpPort} (health: /health, API: /api, metrics: /metrics)`);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    process.exit(0);
  });
