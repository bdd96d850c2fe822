// Builds the HTTP API. It never listens: main.ts does, tests call app.inject().
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { installAccessLog } from './auth/access-log-hook.ts';
import { accessLogRoutes } from './auth/access-log-routes.ts';
import { installAuth } from './auth/authenticate.ts';
import { SecurityConfigSchema, sessionLimits } from './auth/config.ts';
import { createLoginLimiter } from './auth/login-limiter.ts';
import { fastifyTrustProxy } from './auth/trust-proxy.ts';
import { sessionRoutes } from './auth/session-routes.ts';
import { userRoutes } from './auth/user-routes.ts';
import type { ServerDeps } from './deps.ts';
import { ApiError, fromFrameworkError, routerError } from './errors.ts';
import { alertRoutes } from './routes/alerts.ts';
import { contactRoutes } from './routes/contacts.ts';
import { deadLetterRoutes } from './routes/dead-letters.ts';
import { healthRoutes } from './routes/health.ts';
import { householdRoutes } from './routes/households.ts';
import { meterRoutes } from './routes/meters.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { dashboardRoutes } from './dashboard.ts';
import { familyPublicRoutes } from './routes/family.ts';
import { setSecurityHeaders, webPlugin } from '../web/plugin.ts';
import { redactedRequest } from './log-redact.ts';
import { notificationApiRoutes, notifyRoutes } from './routes/notify.ts';

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    // Request lines name the path with its tokens and the query replaced (log-redact.ts).
    ...(deps.logger ? { loggerInstance: deps.logger.child({}, { serializers: { req: redactedRequest } }) } : { logger: false }),
    bodyLimit: 256 * 1024,
    ...(deps.https && { https: deps.https }),
    // request.ip (access log, sign-in limiter, sessions) from X-Forwarded-For only via trusted proxies.
    ...(deps.trustProxy !== undefined && deps.trustProxy !== false && { trustProxy: fastifyTrustProxy(deps.trustProxy) }),
    // Errors the router raises before any route or hook (broken percent-encoding, an overlong
    // path segment) get the API's {error, message} too, not fastify's own FST_ERR_* body.
    frameworkErrors: (err, _req, reply) => {
      const e = routerError(err);
      // (fastify types this reply with the server's generics: a plain reply is what it is.)
      const r = reply as unknown as FastifyReply;
      setSecurityHeaders(r); // no onSend hook runs for it
      return r.code(e.statusCode).send({ error: e.code, message: e.message });
    },
  }) as unknown as FastifyInstance; // with `https` the server type differs; the routes do not care

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

  // Sign-in, roles and the access log (src/http/auth/): every request gets `request.principal`;
  // /api/* needs one unless a route is marked public; what a principal reads or changes is logged.
  const security = deps.security ?? SecurityConfigSchema.parse({});
  const sessions = sessionLimits(security);
  installAuth(app, { store: deps.store, clock: deps.clock, sessions, ...(deps.apiToken !== undefined && { apiToken: deps.apiToken }) });
  installAccessLog(app, { accessLog: deps.store.accessLog, clock: deps.clock });
  // Failures in SQLite: a restart does not lift a lockout.
  const limiter = createLoginLimiter(security.login, deps.clock, deps.store.loginFailures, deps.store.outbox.settingOnce('login-key', randomBytes(32).toString('hex')));

  healthRoutes(app, deps);
  metricsRoutes(app, deps);
  // Outside /api: the signed link is the credential (no login); callbacks carry their own secret.
  const notify = deps.notify;
  if (notify) app.register(async (scope) => notifyRoutes(scope, notify));

  app.register(
    async (api) => {
      sessionRoutes(api, { store: deps.store, clock: deps.clock, sessions, limiter, ...(deps.metrics.signIns && { signIns: deps.metrics.signIns }) });
      accessLogRoutes(api, deps);
      userRoutes(api, deps);
      householdRoutes(api, deps);
      contactRoutes(api, deps);
      meterRoutes(api, deps);
      alertRoutes(api, deps);
      deadLetterRoutes(api, deps);
      if (deps.dashboard) dashboardRoutes(api, { ...deps, dashboard: deps.dashboard }); // the dashboard's /api routes
      if (deps.notify) notificationApiRoutes(api, deps.notify);
    },
    { prefix: '/api' },
  );

  // The dashboard's pages (src/web) and the family link's token-authenticated status route.
  if (deps.dashboard) {
    app.register(webPlugin);
    familyPublicRoutes(app, { ...deps, dashboard: deps.dashboard });
  }

  return app;
}
