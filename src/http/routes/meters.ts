// Meter provisioning. The token is shown once, in the 201 answer, and never again.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Meter } from '../../domain/household.ts';
import { METER_ID } from '../../domain/wire.ts';
import type { ServerDeps } from '../deps.ts';
import { ApiError, orThrow } from '../errors.ts';
import { Id, parse } from '../validate.ts';

const MeterId = z.string().regex(METER_ID, 'expected a meter id of letters, digits, _ or - (at most 64)');
const ProvisionBody = z.strictObject({ meterId: MeterId, householdId: Id });
const ListQuery = z.strictObject({ householdId: Id.optional() });
const MeterParams = z.strictObject({ id: MeterId });

export function meterRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'clock' | 'onMeterChanged'>): void {
  const { store } = deps;
  const view = (m: Meter) => ({ ...m, processingAllowed: store.meters.isProcessingAllowed(m.id) });
  const credential = (m: Meter, token: string) => ({ meterId: m.id, householdId: m.householdId, token });

  app.post('/meters', async (req, reply) => {
    const b = parse('body', ProvisionBody, req.body);
    const { meter, token } = orThrow(store.meters.provision(b.meterId, b.householdId, deps.clock()));
    deps.onMeterChanged?.(meter.id);
    // A credential must not sit in a proxy or browser cache.
    return reply.code(201).header('cache-control', 'no-store').send(credential(meter, token));
  });

  app.get('/meters', async (req) => {
    const q = parse('query', ListQuery, req.query);
    return { items: store.meters.list(q).map(view) };
  });

  app.get('/meters/:id', async (req) => {
    const { id } = parse('params', MeterParams, req.params);
    const m = store.meters.get(id);
    if (!m) throw new ApiError('meter-not-found', `no meter with id "${id}"`);
    return view(m);
  });

  app.post('/meters/:id/revoke', async (req) => {
    const { id } = parse('params', MeterParams, req.params);
    const m = orThrow(store.meters.revoke(id));
    deps.onMeterChanged?.(id);
    return view(m);
  });

  app.post('/meters/:id/rotate', async (req, reply) => {
    const { id } = parse('params', MeterParams, req.params);
    const { meter, token } = orThrow(store.meters.rotateToken(id));
    deps.onMeterChanged?.(id);
    return reply.header('cache-control', 'no-store').send(credential(meter, token));
  });
}
