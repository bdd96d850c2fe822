// A real fastify app over a real SQLite file, driven with inject() on a manual clock.
import { afterEach } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { createAlertActions } from '../../src/http/alert-actions.ts';
import type { ServerDeps } from '../../src/http/deps.ts';
import { buildServer } from '../../src/http/server.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { T0, tempStore } from '../store/temp-store.ts';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

export function harness(over: Partial<ServerDeps> = {}) {
  const { store } = tempStore();
  const clock = { now: T0 };
  const changed: Alert[] = [];
  const hooks = { away: [] as string[], meter: [] as string[], consent: [] as string[] };
  const metrics = createMetrics();
  const app = buildServer({
    store,
    metrics,
    clock: () => clock.now,
    alerts: createAlertActions(store, () => clock.now, (a) => changed.push(a)),
    onAwayChanged: (id) => hooks.away.push(id),
    onMeterChanged: (id) => hooks.meter.push(id),
    onConsentChanged: (id) => hooks.consent.push(id),
    ...over,
  });
  apps.push(app);
  return { app, store, clock, changed, hooks, metrics };
}
