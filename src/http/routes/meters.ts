// Meter provisioning. The token is shown once, in the 201 answer, and never again.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Meter } from '../../domain/household.ts';
import { METER_ID } from '../../domain/wire.ts';
import type { ServerDeps } from '../deps.ts';
import { ApiError, orThrow } from '../errors.ts';
import { Id, parse } from '../validate.ts';
import { canSeeHousehold, noteAccess, principalOf, requireRole } from '../auth/principal.ts';

const MeterId = z.string().regex(METER_ID, 'expected a meter id of letters, digits, _ or - (at most 64)');
const ProvisionBody = z.strictObject({ meterId: MeterId, householdId: Id });
const ListQuery = z.strictObject({ householdId: Id.optional() });
const MeterParams = z.strictObject({ id: MeterId });

export function meterRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'clock' | 'onMeterChanged'>): void {
  const { store } = deps;
  const view = (m: Meter) => ({ ...m, processingAllowed: store.meters.isProcessingAllowed(m.id) });
  // An operator runs the box and sees no household (README's role table): a meter's id and
  // status only — not whose it is, nor whether that household's consent holds.
  const viewFor = (req: Parameters<typeof principalOf>[0]) => (m: Meter) => (principalOf(req).role === 'operator' ? { id: m.id, status: m.status } : view(m));
  const credential = (m: Meter, token: string) => ({ meterId: m.id, householdId: m.householdId, token });
  // Operators see meters (ids and status carry no personal data); grid workers only those of
  // their grids' households (others: 404); provisioning and credentials are for admins.
  const admin = { onRequest: requireRole('admin') };
  const readers = { onRequest: requireRole('admin', 'grid-worker', 'operator') };
  const visible = (req: Parameters<typeof principalOf>[0], m: Meter) => {
    const p = principalOf(req);
    if (p.role !== 'grid-worker') return true;
    const h = store.households.get(m.householdId);
    return h !== undefined && canSeeHousehold(p, h);
  };

  app.post('/meters', admin, async (req, reply) => {
    const b = parse('body', ProvisionBody, req.body);
    const { meter, token } = orThrow(store.meters.provision(b.meterId, b.householdId, deps.clock()));
    deps.onMeterChanged?.(meter.id);
    // A credential must not sit in a proxy or browser cache.
    return reply.code(201).header('cache-control', 'no-store').send(credential(meter, token));
  });

  app.get('/meters', readers, async (req) => {
    const q = parse('query', ListQuery, req.query);
    // Nor may an operator ask by household: the answer would tell which households exist.
    if (q.householdId !== undefined && principalOf(req).role === 'operator')
      throw new ApiError('forbidden', 'an operator account sees meters by id and status only, not by household');
    const items = store.meters.list(q).filter((m) => visible(req, m));
    return { items: items.map(viewFor(req)) };
  });

  app.get('/meters/:id', readers, async (req) => {
    const { id } = parse('params', MeterParams, req.params);
    const m = store.meters.get(id);
    if (m) noteAccess(req, { householdId: m.householdId });
    if (!m || !visible(req, m)) throw new ApiError('meter-not-found', `no meter with id "${id}"`);
    return viewFor(req)(m);
  });

  app.post('/meters/:id/revoke', admin, async (req) => {
    const { id } = parse('params', MeterParams, req.params);
    const m = orThrow(store.meters.revoke(id));
    deps.onMeterChanged?.(id);
    return view(m);
  });

  app.post('/meters/:id/rotate', admin, async (req, reply) => {
    const { id } = parse('params', MeterParams, req.params);
    const { meter, token } = orThrow(store.meters.rotateToken(id));
    deps.onMeterChanged?.(id);
    return reply.header('cache-control', 'no-store').send(credential(meter, token));
  });
}
