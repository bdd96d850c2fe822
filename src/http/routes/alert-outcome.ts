// POST /api/alerts/:id/outcome {outcome, note?, by?} — what the person who checked found
// (VISIT_OUTCOMES in src/domain/alert.ts). Stored on the alert (`outcome`, returned by every
// alert read, so the detector's evaluation can learn which alerts were real) and as an
// 'outcome' step on its timeline. Allowed in any status: a visit may happen after the
// condition cleared by itself; a later outcome replaces the earlier one, both stay in history.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VISIT_OUTCOMES } from '../../domain/alert.ts';
import type { ServerDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { canSee, viewerOf, type DashboardDeps } from '../dashboard.ts';
import { parse } from '../validate.ts';
import { HOUSEHOLD_ROLES, noteAccess, requireRole } from '../auth/principal.ts';

const Params = z.strictObject({ id: z.string().min(1).max(100) });
const Body = z.strictObject({
  outcome: z.enum(VISIT_OUTCOMES, { error: `expected "outcome": one of ${VISIT_OUTCOMES.join(', ')}` }),
  note: z.string().trim().max(2000).optional(),
  /** Who checked; for a signed-in user it is the user, for a bearer-token machine it is required. */
  by: z.string().trim().min(1).max(100).optional(),
});


/** Household views: an operator is refused (403), as README's role table says, not shown an empty page. */
const carers = { onRequest: requireRole(...HOUSEHOLD_ROLES) };
export function outcomeRoutes(api: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'clock'> & { dashboard: DashboardDeps }): void {
  const { store, clock } = deps;
  api.post('/alerts/:id/outcome', carers, async (req) => {
    const { id } = parse('params', Params, req.params);
    const viewer = viewerOf(req);
    const alert = store.alerts.get(id);
    const hid = alert && store.meters.householdOf(alert.meterId);
    if (!alert || !canSee(viewer, hid === undefined ? undefined : store.households.get(hid)))
      throw new ApiError('alert-not-found', `no alert with id "${id}"`);
    const b = parse('body', Body, req.body);
    const by = viewer.kind === 'token' ? (b.by ?? viewer.username) : viewer.username;
    const next = { ...alert, outcome: b.outcome };
    store.alerts.update(next, { kind: 'outcome', at: clock(), by, note: b.note ? `${b.outcome}: ${b.note}` : b.outcome });
    if (hid !== undefined) noteAccess(req, { householdId: hid, action: 'alert-outcome' });
    deps.dashboard.onAlertUpdated?.(next);
    deps.dashboard.hub.publish('outcome', next);
    return { ...next, ...(hid !== undefined && { householdId: hid }), history: store.alerts.history(id) };
  });
}
