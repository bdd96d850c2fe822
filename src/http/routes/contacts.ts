// A household's contacts. Phones go in whole and come out masked (138****8000).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONTACT_CHANNELS, CONTACT_ROLES, LANGUAGES } from '../../domain/household.ts';
import type { ServerDeps } from '../deps.ts';
import { orThrow } from '../errors.ts';
import { contactView } from '../views.ts';
import { IdParams, parse } from '../validate.ts';
import { HOUSEHOLD_ROLES, requireRole } from '../auth/principal.ts';
import { visibleHousehold } from '../auth/scope.ts';

const ContactBody = z
  .strictObject({
    name: z.string().trim().min(1, 'expected a non-empty name').max(200),
    role: z.enum(CONTACT_ROLES, { error: 'expected one of family, grid-worker, neighbour, other, elder, duty-officer' }),
    // Spaces and dashes are how people write numbers, not part of them.
    phone: z
      .string()
      .transform((s) => s.replace(/[\s-]/g, ''))
      .pipe(z.string().regex(/^\+?\d{5,20}$/, 'expected a phone number: 5-20 digits, optionally after +'))
      .optional(),
    wechatOpenId: z.string().trim().min(1).max(128).optional(),
    /** Escalation ladder position (0 = asked first); default by role: elder 0, grid-worker 1, family 2, duty-officer 3. */
    rung: z.number().int().min(0).max(9).optional(),
    channels: z
      .array(z.enum(CONTACT_CHANNELS, { error: `expected channels among ${CONTACT_CHANNELS.join(', ')}` }))
      .min(1)
      .max(4)
      .refine((a) => new Set(a).size === a.length, 'expected each channel at most once')
      .optional(),
    lang: z.enum(LANGUAGES, { error: `expected lang ${LANGUAGES.join(' or ')}` }).optional(),
    /** WeCom group robot key (the key= of its webhook URL). */
    wecomKey: z.string().trim().regex(/^[A-Za-z0-9-]{8,64}$/, 'expected the key= part of a WeCom robot webhook URL').optional(),
  })
  .refine((c) => c.phone !== undefined || c.wechatOpenId !== undefined || c.wecomKey !== undefined, {
    message: 'expected a phone or a wechatOpenId (or a wecomKey): a contact must be reachable',
    path: ['phone'],
  })
  .refine((c) => !c.channels || c.channels.every((ch) => (ch === 'sms' || ch === 'voice' ? c.phone : ch === 'wechat' ? c.wechatOpenId : c.wecomKey) !== undefined), {
    message: 'expected every listed channel to be reachable: sms/voice need a phone, wechat a wechatOpenId, wecom a wecomKey',
    path: ['channels'],
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
