// Dead letters: what ingest could not use, newest first. A list carries each payload's first
// 4 KiB (`preview`, `payloadBytes`); one letter, whole, to inspect or publish again, by id.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { Id, Page, parse } from '../validate.ts';
import { requireRole } from '../auth/principal.ts';

const ListQuery = z.strictObject({ meterId: Id.optional(), ...Page });
const LetterParams = z.strictObject({
  id: z.string().regex(/^[1-9][0-9]{0,15}$/, 'expected a dead letter id (a positive integer)').transform(Number),
});

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

  app.get('/dead-letters/:id', { onRequest: requireRole('admin', 'operator') }, async (req) => {
    const { id } = parse('params', LetterParams, req.params);
    const letter = deps.store.deadLetters.get(id);
    if (!letter) throw new ApiError('not-found', `no dead letter ${id} (never stored, or dropped by the retention or size bounds)`);
    return letter;
  });
}
