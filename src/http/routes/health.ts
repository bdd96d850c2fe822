// Liveness and readiness in one: 200 "ok" or 503 "degraded" with the facts behind it.
// Open without a token so a load balancer or systemd watchdog can call it.
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.ts';

export function healthRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'clock' | 'health'>): void {
  const startedAt = deps.clock();
  app.get('/health', async (_req, reply) => {
    const storeOk = deps.store.ping();
    const extra = deps.health?.() ?? {};
    const ok = storeOk && extra.ok !== false;
    const { ok: _ok, ...facts } = extra;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      uptimeS: Math.floor((deps.clock() - startedAt) / 1000),
      store: storeOk ? 'ok' : 'unavailable',
      ...facts,
    });
  });
}
