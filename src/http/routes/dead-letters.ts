// Dead letters: what ingest could not use, newest first.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.ts';
import { Id, Page, parse } from '../validate.ts';
import { requireRole } from '../auth/principal.ts';

const ListQuery = z.strictObject({ meterId: Id.optional(), ...Page });

export function deadLetterRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'store'>): void {
  app.get('/dead-letters', { onRequest: requireRole('admin', 'operator') }, async (req) => {
    const q = parse('query', ListQuery, req.query);
    return {
      items: deps.store.deadLetters.list(q),
      total: deps.store.deadLetters.count(q.meterId),
      limit: q.limit,
      offset: q.offset,
    };
  });
}
