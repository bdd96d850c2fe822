// Alerts: browse, inspect with history, acknowledge, resolve. The transitions themselves are
// the lifecycle's (src/alerting/lifecycle.ts); this file only translates HTTP.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_STATUSES, ALERT_TYPES } from '../../domain/alert.ts';
import type { AlertActionResult, ServerDeps } from '../deps.ts';
import { ApiError, orThrow } from '../errors.ts';
import { Id, Page, QueryTime, parse } from '../validate.ts';

const ListQuery = z.strictObject({
  status: z.enum(ALERT_STATUSES, { error: `expected one of ${ALERT_STATUSES.join(', ')}` }).optional(),
  type: z.enum(ALERT_TYPES, { error: `expected one of ${ALERT_TYPES.join(', ')}` }).optional(),
  meterId: Id.optional(),
  householdId: Id.optional(),
  since: QueryTime.optional(),
  ...Page,
});
const AlertParams = z.strictObject({ id: z.string().min(1).max(100) });
const By = z.string({ error: 'expected "by": who is acting (a name or staff id)' }).trim().min(1, 'expected a non-empty name').max(100);
const AckBody = z.strictObject({
  by: By,
  note: z.string().trim().max(2000).optional(),
  /** How the person acknowledged (the dashboard says so); recorded with who and when. */
  via: z.enum(['api', 'dashboard'], { error: 'expected via: api or dashboard' }).optional(),
});
const ResolveBody = z.strictObject({
  by: By,
  note: z
    .string({ error: 'expected a note saying how the alert was resolved (e.g. "visited, resident is fine")' })
    .trim()
    .min(1, 'expected a non-empty note saying how the alert was resolved')
    .max(2000),
});

function settle(r: AlertActionResult) {
  if ('error' in r && r.error === 'not-found') throw new ApiError('alert-not-found', r.message);
  return orThrow(r);
}

export function alertRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'alerts'>): void {
  const { store } = deps;

  app.get('/alerts', async (req) => {
    const q = parse('query', ListQuery, req.query);
    const { items, total } = store.alerts.list(q);
    return { items, total, limit: q.limit, offset: q.offset };
  });

  app.get('/alerts/:id', async (req) => {
    const { id } = parse('params', AlertParams, req.params);
    const alert = store.alerts.get(id);
    if (!alert) throw new ApiError('alert-not-found', `no alert with id "${id}"`);
    const householdId = store.meters.householdOf(alert.meterId);
    return { ...alert, ...(householdId !== undefined && { householdId }), history: store.alerts.history(id) };
  });

  app.post('/alerts/:id/ack', async (req) => {
    const { id } = parse('params', AlertParams, req.params);
    const b = parse('body', AckBody, req.body);
    return settle(await deps.alerts.acknowledge(id, b.by, b.note || undefined, b.via));
  });

  app.post('/alerts/:id/resolve', async (req) => {
    const { id } = parse('params', AlertParams, req.params);
    const b = parse('body', ResolveBody, req.body);
    return settle(await deps.alerts.resolve(id, b.by, b.note));
  });
}
