// GET /api/access-log?householdId=&actor=&since=&until= — administrators only, newest first.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { Id, Page, QueryTime, parse } from '../validate.ts';
import { requireRole } from './principal.ts';

const Query = z.strictObject({
  householdId: Id.optional(),
  actor: z.string().trim().min(1).max(200).optional(),
  since: QueryTime.optional(),
  until: QueryTime.optional(),
  ...Page,
});

export function accessLogRoutes(api: FastifyInstance, deps: { store: Pick<Store, 'accessLog'> }): void {
  api.get('/access-log', { onRequest: requireRole('admin') }, async (req) => {
    const q = parse('query', Query, req.query);
    const { items, total } = deps.store.accessLog.list(q);
    return { items, total, limit: q.limit, offset: q.offset };
  });
}
