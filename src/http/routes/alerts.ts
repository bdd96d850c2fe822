// Alerts: browse, inspect with history, acknowledge, resolve. The transitions themselves are
// the lifecycle's (src/alerting/lifecycle.ts); this file only translates HTTP.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_STATUSES, ALERT_TYPES } from '../../domain/alert.ts';
import type { AlertActionResult, ServerDeps } from '../deps.ts';
import { ApiError, orThrow } from '../errors.ts';
import { Id, Page, QueryTime, parse } from '../validate.ts';
import { HOUSEHOLD_ROLES, gridScope, noteAccess, principalOf, requireRole } from '../auth/principal.ts';
import { visibleAlert } from '../auth/scope.ts';
import { withRecipients } from '../notified.ts';

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

// A signed-in person acts as themselves: "by" is their username whatever the body says (it may
// be omitted); machines (the token) still name who is acting.
const SessionAckBody = AckBody.extend({ by: By.optional() });
const SessionResolveBody = ResolveBody.extend({ by: By.optional() });
const actor = (req: Parameters<typeof principalOf>[0], by: string | undefined) => {
  const p = principalOf(req);
  return p.kind === 'session' ? p.username : by!;
};

function settle(r: AlertActionResult) {
  if ('error' in r && r.error === 'not-found') throw new ApiError('alert-not-found', r.message);
  return orThrow(r);
}

// Alerts tell when someone did not use water: personal data. Admins see all, grid workers
// those of their grids' households (others: 404), operators none (they have /metrics).
const carers = { onRequest: requireRole(...HOUSEHOLD_ROLES) };

export function alertRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'alerts'>): void {
  const { store } = deps;

  app.get('/alerts', carers, async (req) => {
    const q = parse('query', ListQuery, req.query);
    const gridIds = gridScope(principalOf(req));
    const { items, total } = store.alerts.list({ ...q, ...(gridIds && { gridIds }) });
    const subjects = new Set(items.map((a) => store.meters.householdOf(a.meterId)).filter((h): h is string => h !== undefined));
    noteAccess(req, { subjects: [...subjects] });
    return { items, total, limit: q.limit, offset: q.offset };
  });

  app.get('/alerts/:id', carers, async (req) => {
    const { id } = parse('params', AlertParams, req.params);
    const alert = visibleAlert(req, store, id);
    const householdId = store.meters.householdOf(alert.meterId);
    return { ...alert, ...(householdId !== undefined && { householdId }), history: withRecipients(store, id, store.alerts.history(id)) };
  });

  app.post('/alerts/:id/ack', carers, async (req) => {
    const { id } = parse('params', AlertParams, req.params);
    visibleAlert(req, store, id);
    const b = parse('body', principalOf(req).kind === 'session' ? SessionAckBody : AckBody, req.body);
    return settle(await deps.alerts.acknowledge(id, actor(req, b.by), b.note || undefined, b.via ?? (principalOf(req).kind === 'session' ? 'dashboard' : 'api')));
  });

  app.post('/alerts/:id/resolve', carers, async (req) => {
    const { id } = parse('params', AlertParams, req.params);
    visibleAlert(req, store, id);
    const b = parse('body', principalOf(req).kind === 'session' ? SessionResolveBody : ResolveBody, req.body);
    return settle(await deps.alerts.resolve(id, actor(req, b.by), b.note));
  });
}
