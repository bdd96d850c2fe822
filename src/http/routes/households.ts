// Households: registration, consent (PIPL) and away periods.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Timestamp } from '../../domain/wire.ts';
import type { ServerDeps } from '../deps.ts';
import { ApiError, orThrow } from '../errors.ts';
import { householdView } from '../views.ts';
import { Id, IdParams, Page, parse } from '../validate.ts';

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
const AwayBody = z
  .strictObject({ from: Timestamp, until: Timestamp })
  // `when`: compare only two valid times, so a bad "from" is reported once, as itself.
  .refine((b) => b.from < b.until, { message: 'expected "from" before "until"', path: ['until'], when: (p) => p.issues.length === 0 });

export function householdRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { store, clock } = deps;
  const view = (h: Parameters<typeof householdView>[0]) => householdView(h, clock());

  app.post('/households', async (req, reply) => {
    const body = parse('body', CreateBody, req.body);
    return reply.code(201).send(view(orThrow(store.households.create(body, clock()))));
  });

  app.get('/households', async (req) => {
    const q = parse('query', ListQuery, req.query);
    const { items, total } = store.households.list(q);
    return { items: items.map(view), total, limit: q.limit, offset: q.offset };
  });

  app.get('/households/:id', async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const h = store.households.get(id);
    if (!h) throw new ApiError('household-not-found', `no household with id "${id}"`);
    return view(h);
  });

  app.patch('/households/:id', async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const patch = parse('body', PatchBody, req.body);
    return view(orThrow(store.households.update(id, patch)));
  });

  app.post('/households/:id/consent', async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const b = parse('body', ConsentBody, req.body);
    const h = orThrow(store.households.giveConsent(id, { consentedBy: b.consentedBy, scope: b.scope, consentedAt: b.consentedAt ?? clock() }));
    deps.onConsentChanged?.(id);
    return view(h);
  });

  app.post('/households/:id/consent/withdraw', async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const b = parse('body', WithdrawBody, req.body);
    const h = orThrow(store.households.withdrawConsent(id, b?.at ?? clock()));
    deps.onConsentChanged?.(id);
    return view(h);
  });

  app.put('/households/:id/away', async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const b = parse('body', AwayBody, req.body);
    const h = orThrow(store.households.setAway(id, b.from, b.until));
    deps.onAwayChanged?.(id);
    return view(h);
  });

  app.delete('/households/:id/away', async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const h = orThrow(store.households.clearAway(id));
    deps.onAwayChanged?.(id);
    return view(h);
  });
}
