// Prometheus scrape endpoint, open like /health (it carries counts, never personal data).
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.ts';

export function metricsRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'metrics'>): void {
  app.get('/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.metrics.exposition ? await deps.metrics.exposition() : deps.metrics.render()),
  );
}
