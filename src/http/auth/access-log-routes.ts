// GET /api/access-log?householdId=&actor=&since=&until= — administrators only, newest first;
// GET /api/access-log/:id — one entry with every household it named.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { Id, Page, QueryTime, parse } from '../validate.ts';
import { ApiError } from '../errors.ts';
import { requireRole } from './principal.ts';

const Query = z.strictObject({
  householdId: Id.optional(),
  actor: z.string().trim().min(1).max(200).optional(),
  since: QueryTime.optional(),
  until: QueryTime.optional(),
  ...Page,
});

/**
 * A list answer names at most this many of an entry's subjects, with `subjectCount` and
 * `subjectsCut`; GET /api/access-log/:id gives them all. A page of 500 board re-reads of 5,000
 * homes was 500 × 5,000 ids, tens of MB in one answer.
 */
export const SUBJECTS_IN_LIST = 100;

const IdParams = z.strictObject({ id: z.coerce.number({ error: 'expected a numeric access-log entry id' }).int().positive() });

export function accessLogRoutes(api: FastifyInstance, deps: { store: Pick<Store, 'accessLog'> }): void {
  api.get('/access-log', { onRequest: requireRole('admin') }, async (req) => {
    const q = parse('query', Query, req.query);
    const { items, total } = deps.store.accessLog.list(q);
    const brief = items.map(({ subjects, ...e }) =>
      subjects === undefined ? e : { ...e, subjects: subjects.slice(0, SUBJECTS_IN_LIST), subjectCount: subjects.length, ...(subjects.length > SUBJECTS_IN_LIST && { subjectsCut: true }) },
    );
    return { items: brief, total, limit: q.limit, offset: q.offset };
  });
  api.get('/access-log/:id', { onRequest: requireRole('admin') }, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const e = deps.store.accessLog.get(id);
    if (!e) throw new ApiError('not-found', `no access-log entry with id ${id}`);
    return e.subjects ? { ...e, subjectCount: e.subjects.length } : e;
  });
}
