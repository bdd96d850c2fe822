// Accounts, for administrators (issue 8.1: "manages … grid workers' accounts"); the same
// operations as `npm run admin`. A generated password is answered once and never again.
//   GET   /api/users
//   POST  /api/users {username, role, gridIds?, displayName?, password?} → 201 {user, password?}
//   PATCH /api/users/:username {displayName?, role?, gridIds?}
//   POST  /api/users/:username/disable | /enable | /reset-password {password?}
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { generatePassword } from '../../store/password.ts';
import { MIN_PASSWORD, ROLES, USERNAME } from '../../store/users.ts';
import { ApiError, orThrow } from '../errors.ts';
import { Id, parse } from '../validate.ts';
import { requireRole } from './principal.ts';

const Username = z.string().regex(USERNAME, 'expected a username of 1-64 letters, digits, _ . @ or -');
const Password = z.string().min(MIN_PASSWORD, `expected a password of at least ${MIN_PASSWORD} characters`).max(1024);
const Role = z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` });
const CreateBody = z.strictObject({
  username: Username,
  role: Role,
  gridIds: z.array(Id).max(100).optional(),
  displayName: z.string().trim().min(1).max(100).optional(),
  password: Password.optional(),
});
const PatchBody = z.strictObject({ displayName: z.string().trim().min(1).max(100).optional(), role: Role.optional(), gridIds: z.array(Id).max(100).optional() });
const Params = z.strictObject({ username: Username });
const ResetBody = z.strictObject({ password: Password.optional() }).optional();

export function userRoutes(api: FastifyInstance, deps: { store: Pick<Store, 'users'>; clock: () => number }): void {
  const { store } = deps;
  const admin = { onRequest: requireRole('admin') };
  const keepAnAdmin = (username: string) => {
    if (store.users.isLastEnabledAdmin(username))
      throw new ApiError('last-admin', `"${username}" is the last enabled administrator; create another one first`);
  };

  api.get('/users', admin, async () => ({ items: store.users.list() }));

  api.post('/users', admin, async (req, reply) => {
    const b = parse('body', CreateBody, req.body);
    const password = b.password ?? generatePassword();
    const user = orThrow(await store.users.create({ ...b, password }, deps.clock()));
    return reply.code(201).header('cache-control', 'no-store').send({ user, ...(b.password === undefined && { password }) });
  });

  api.patch('/users/:username', admin, async (req) => {
    const { username } = parse('params', Params, req.params);
    const patch = parse('body', PatchBody, req.body);
    if (patch.role !== undefined && patch.role !== 'admin') keepAnAdmin(username);
    return orThrow(store.users.update(username, patch));
  });

  api.post('/users/:username/disable', admin, async (req) => {
    const { username } = parse('params', Params, req.params);
    keepAnAdmin(username);
    return orThrow(store.users.disable(username, deps.clock()));
  });

  api.post('/users/:username/enable', admin, async (req) => {
    const { username } = parse('params', Params, req.params);
    return orThrow(store.users.enable(username));
  });

  api.post('/users/:username/reset-password', admin, async (req, reply) => {
    const { username } = parse('params', Params, req.params);
    const b = parse('body', ResetBody, req.body);
    const password = b?.password ?? generatePassword();
    const user = orThrow(await store.users.setPassword(username, password, deps.clock()));
    return reply.header('cache-control', 'no-store').send({ user, ...(b?.password === undefined && { password }) });
  });
}
