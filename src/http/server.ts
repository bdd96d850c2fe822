// Builds the HTTP API. It never listens: main.ts does, tests call app.inject().
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { bearerAuth } from './auth.ts';
import type { ServerDeps } from './deps.ts';
import { ApiError, fromFrameworkError } from './errors.ts';
import { alertRoutes } from './routes/alerts.ts';
import { contactRoutes } from './routes/contacts.ts';
import { deadLetterRoutes } from './routes/dead-letters.ts';
import { healthRoutes } from './routes/health.ts';
import { householdRoutes } from './routes/households.ts';
import { meterRoutes } from './routes/meters.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { notificationApiRoutes, notifyRoutes } from './routes/notify.ts';

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: 256 * 1024,
  });

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    const known =
      err instanceof ApiError ? err : typeof err.statusCode === 'number' ? fromFrameworkError(err.statusCode, err.message) : undefined;
    if (known) return reply.code(known.statusCode).send({ error: known.code, message: known.message });
    // Internals stay in the log; the client gets a code and the request id to quote.
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: `internal error (request ${req.id})` });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: 'not-found', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );

  healthRoutes(app, deps);
  metricsRoutes(app, deps);
  // Outside /api: the signed link is the credential (no login); callbacks carry their own secret.
  const notify = deps.notify;
  if (notify) app.register(async (scope) => notifyRoutes(scope, notify));

  // An encapsulated plugin: the auth hook covers exactly the routes registered inside it.
  app.register(
    async (api) => {
      if (deps.apiToken !== undefined) api.addHook('onRequest', bearerAuth(deps.apiToken));
      householdRoutes(api, deps);
      contactRoutes(api, deps);
      meterRoutes(api, deps);
      alertRoutes(api, deps);
      deadLetterRoutes(api, deps);
      if (deps.notify) notificationApiRoutes(api, deps.notify);
    },
    { prefix: '/api' },
  );

  return app;
}
