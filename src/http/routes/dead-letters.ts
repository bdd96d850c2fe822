// Dead letters: what ingest could not use, newest first.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.ts';
import { Id, Page, parse } from '../validate.ts';

const ListQuery = z.strictObject({ meterId: Id.optional(), ...Page });

export function deadLetterRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'store'>): void {
  app.get('/dead-letters', async (req) => {
    const q = parse('query', ListQuery, req.query);
    return {
      items: deps.store.deadLetters.list(q),
      total: deps.store.deadLetters.count(q.meterId),
      limit: q.limit,
      offset: q.offset,
    };
  });
}
