// Thin entry point: load config, build the app, start it, stop cleanly on signals.
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { assertSecureBinding, ensureFirstAdmin } from './http/auth/secure-start.ts';

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
  // A missing directory, a corrupt or read-only file (StoreOpenError), a bad TLS path: one line
  // that says what to do, not a stack trace.
  console.error((err as Error).message);
  process.exit(2);
}
try {
  // Checked before the first administrator is made, so an open network address is refused, not papered over.
  assertSecureBinding(config.http, app.store);
} catch (err) {
  console.error((err as Error).message);
  await app.stop();
  process.exit(2);
}
let ports;
try {
  ports = await app.start();
} catch (err) {
  // A port in use, a TLS key that does not load: one line, and no administrator made whose
  // password nobody saw (the next start makes it).
  console.error(`Anxin could not start: ${(err as Error).message}`);
  await app.stop().catch(() => undefined);
  process.exit(2);
}
// Made only once the service is up, so the password printed below is never one that was lost.
const firstAdmin = await ensureFirstAdmin(app.store, Date.now());
const scheme = config.http.tls ? 'https' : 'http';
console.log(`Anxin 安心 is running — MQTT on port ${ports.mqttPort}, HTTP on ${scheme}://localhost:${ports.httpPort} (health: /health, API: /api, metrics: /metrics)`);
if (firstAdmin) {
  // Printed here, once, to the terminal — never to the log. Only its hash is stored.
  console.log(
    `First start: created the administrator "${firstAdmin.username}" with the password ${firstAdmin.password}\n` +
      `  (shown only this once; sign in at ${scheme}://localhost:${ports.httpPort}/ and change it: npm run admin -- reset-password --username ${firstAdmin.username})`,
  );
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    // Non-zero when a failure asked for the stop (the broker thread died: src/app.ts).
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
