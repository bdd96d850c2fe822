// A household's contacts. Phones go in whole and come out masked (138****8000).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.ts';
import { orThrow } from '../errors.ts';
import { contactView } from '../views.ts';
import { IdParams, parse } from '../validate.ts';
import { HOUSEHOLD_ROLES, requireRole } from '../auth/principal.ts';
import { visibleHousehold } from '../auth/scope.ts';

const ContactBody = z
  .strictObject({
    name: z.string().trim().min(1, 'expected a non-empty name').max(200),
    role: z.enum(['family', 'grid-worker', 'neighbour', 'other'], {
      error: 'expected one of family, grid-worker, neighbour, other',
    }),
    // Spaces and dashes are how people write numbers, not part of them.
    phone: z
      .string()
      .transform((s) => s.replace(/[\s-]/g, ''))
      .pipe(z.string().regex(/^\+?\d{5,20}$/, 'expected a phone number: 5-20 digits, optionally after +'))
      .optional(),
    wechatOpenId: z.string().trim().min(1).max(128).optional(),
  })
  .refine((c) => c.phone !== undefined || c.wechatOpenId !== undefined, {
    message: 'expected a phone or a wechatOpenId: a contact must be reachable',
    path: ['phone'],
  });

export function contactRoutes(app: FastifyInstance, deps: Pick<ServerDeps, 'store'>): void {
  const { store } = deps;

  app.post('/households/:id/contacts', { onRequest: requireRole('admin') }, async (req, reply) => {
    const { id } = parse('params', IdParams, req.params);
    const body = parse('body', ContactBody, req.body);
    const contact = orThrow(store.contacts.add(id, body));
    return reply.code(201).send(contactView(contact));
  });

  app.get('/households/:id/contacts', { onRequest: requireRole(...HOUSEHOLD_ROLES) }, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    visibleHousehold(req, store, id);
    return { items: store.contacts.list(id).map(contactView) };
  });
}
