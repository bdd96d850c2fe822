// Households: registration, consent (PIPL) and away periods.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Timestamp } from '../../domain/wire.ts';
import type { ServerDeps } from '../deps.ts';
import { ApiError, orThrow } from '../errors.ts';
import { householdView } from '../views.ts';
import { Id, IdParams, Page, parse } from '../validate.ts';
import { HOUSEHOLD_ROLES, gridScope, noteAccess, principalOf, requireRole } from '../auth/principal.ts';
import { visibleHousehold } from '../auth/scope.ts';
import { createPrivacy } from '../../service/consent-lifecycle.ts';

const Text = (max: number) => z.string().trim().min(1, 'expected a non-empty string').max(max, `expected at most ${max} characters`);

const CreateBody = z.strictObject({ id: Id.optional(), name: Text(200), address: Text(500).optional(), gridId: Id.optional() });
const PatchBody = z.strictObject({ name: Text(200).optional(), address: Text(500).nullable().optional(), gridId: Id.nullable().optional() });
const ListQuery = z.strictObject({ gridId: Id.optional(), ...Page });
const ConsentBody = z.strictObject({
  consentedBy: Text(200),
  scope: z.array(Text(100)).min(1, 'expected at least one scope, e.g. "water-monitoring"'),
  consentedAt: Timestamp.optional(),
});
const WithdrawBody = z.strictObject({ at: Timestamp.optional() }).optional();
/** A client's clock a little ahead of the server's is not a withdrawal dated in the future. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** No-usage is off while away: a period has an end a person will see again (a trip, a stay in
 *  hospital), never "for ever" by a typo or a year 9999; a longer absence is registered again. */
const MAX_AWAY_DAYS = 90;
const AwayBody = z
  .strictObject({ from: Timestamp, until: Timestamp })
  // `when`: compare only two valid times, so a bad "from" is reported once, as itself.
  .refine((b) => b.from < b.until, { message: 'expected "from" before "until"', path: ['until'], when: (p) => p.issues.length === 0 })
  .refine((b) => b.until - b.from <= MAX_AWAY_DAYS * 86_400_000, {
    message: `expected an away period of at most ${MAX_AWAY_DAYS} days (no-usage alerts are off while away; register a longer absence again when it is extended)`,
    path: ['until'],
    when: (p) => p.issues.length === 0,
  });

// Roles (src/http/auth/principal.ts): admins manage households and consent; grid workers see
// and mark away only the households of their grids (others: 404); operators see none.
const admin = { onRequest: requireRole('admin') };
const carers = { onRequest: requireRole(...HOUSEHOLD_ROLES) };

export function householdRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { store, clock } = deps;
  const view = (h: Parameters<typeof householdView>[0]) => householdView(h, clock());
  const privacy =
    deps.privacy ??
    createPrivacy({ store, clock, graceDays: 0, resolveAlert: (id, by, note) => deps.alerts.resolve(id, by, note), ...(deps.onMeterChanged && { onMeterChanged: deps.onMeterChanged }) });

  app.post('/households', admin, async (req, reply) => {
    const body = parse('body', CreateBody, req.body);
    return reply.code(201).send(view(orThrow(store.households.create(body, clock()))));
  });

  app.get('/households', carers, async (req) => {
    const q = parse('query', ListQuery, req.query);
    const gridIds = gridScope(principalOf(req));
    const { items, total } = store.households.list({ ...q, ...(gridIds && { gridIds }) });
    noteAccess(req, { subjects: items.map((h) => h.id) });
    return { items: items.map(view), total, limit: q.limit, offset: q.offset };
  });

  app.get('/households/:id', carers, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    return view(visibleHousehold(req, store, id));
  });

  app.patch('/households/:id', admin, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const patch = parse('body', PatchBody, req.body);
    return view(orThrow(store.households.update(id, patch)));
  });

  app.post('/households/:id/consent', admin, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const b = parse('body', ConsentBody, req.body);
    const h = orThrow(store.households.giveConsent(id, { consentedBy: b.consentedBy, scope: b.scope, consentedAt: b.consentedAt ?? clock() }));
    deps.onConsentChanged?.(id);
    return view(h);
  });

  // PIPL: withdrawal stops processing at once and erases the data after the grace period
  // (src/service/consent-lifecycle.ts).
  app.post('/households/:id/consent/withdraw', admin, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const b = parse('body', WithdrawBody, req.body);
    // Processing stops now whatever `at` says, but the erasure's grace period counts from it: a
    // date ahead would keep the household's data past what the law allows.
    const now = clock();
    if (b?.at !== undefined && b.at > now + FUTURE_SKEW_MS)
      throw new ApiError('invalid-body', `body.at: expected a time no later than now (${new Date(now).toISOString()}); a withdrawal cannot be dated ahead`);
    noteAccess(req, { action: 'withdraw-consent' });
    const r = orThrow(await privacy.withdraw(id, b?.at ?? now));
    deps.onConsentChanged?.(id);
    return { ...view(r.household), revokedMeters: r.revokedMeters, closedAlerts: r.closedAlerts, ...(r.erased && { erased: r.erased }) };
  });

  app.get('/households/:id/export', admin, async (req, reply) => {
    const { id } = parse('params', IdParams, req.params);
    noteAccess(req, { action: 'export' });
    const data = privacy.exportData(id);
    if (!data) throw new ApiError('household-not-found', `no household with id "${id}"`);
    return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="household-${id}.json"`).send(data);
  });

  // Erasure on the data subject's request (PIPL Art. 47): no grace period.
  app.delete('/households/:id', admin, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    noteAccess(req, { action: 'erase' });
    const removed = await privacy.erase(id, 'deletion-request');
    if (!removed) throw new ApiError('household-not-found', `no household with id "${id}"`);
    deps.onConsentChanged?.(id);
    return { householdId: id, erasedAt: clock(), removed };
  });

  app.put('/households/:id/away', carers, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    visibleHousehold(req, store, id);
    const b = parse('body', AwayBody, req.body);
    const h = orThrow(store.households.setAway(id, b.from, b.until));
    deps.onAwayChanged?.(id);
    return view(h);
  });

  app.delete('/households/:id/away', carers, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    visibleHousehold(req, store, id);
    const h = orThrow(store.households.endAway(id, clock()));
    deps.onAwayChanged?.(id);
    return view(h);
  });
}
