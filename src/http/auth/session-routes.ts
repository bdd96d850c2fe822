// Sign-in for people: POST /api/session → a server-side session in an HttpOnly, SameSite=Strict
// cookie (Secure over HTTPS) and the CSRF token the page must echo in `x-csrf-token`.
//   POST   /api/session {username, password} → 200 {user, csrfToken} | 401 bad-credentials | 429 rate-limited
//   GET    /api/session → 200 {user, csrfToken} | 401
//   DELETE /api/session → 204 (signs out; the CSRF header is required like any change)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { csrfTokenOf, type SessionLimits } from '../../store/sessions.ts';
import type { User } from '../../store/users.ts';
import { ApiError } from '../errors.ts';
import { parse } from '../validate.ts';
import { SESSION_COOKIE, sessionIdOf } from './authenticate.ts';
import type { LoginLimiter } from './login-limiter.ts';
import type { Counter } from '../../observability/metrics.ts';
import { UNAUTHORIZED_MESSAGE, noteAccess, principalFor } from './principal.ts';

const LoginBody = z.strictObject({
  username: z.string({ error: 'expected "username"' }).trim().min(1, 'expected a non-empty username').max(64),
  password: z.string({ error: 'expected "password"' }).min(1, 'expected a non-empty password').max(1024),
});

export const UNKNOWN_USERNAME = '(unknown username)';

export interface SessionRouteDeps {
  store: Pick<Store, 'users' | 'sessions'>;
  clock: () => number;
  sessions: SessionLimits;
  limiter: LoginLimiter;
  signIns?: Counter<'result'>;
}

export function sessionView(user: Pick<User, 'username' | 'displayName' | 'role' | 'gridIds'>, sessionId: string) {
  const p = principalFor(user);
  return { user: { username: user.username, displayName: user.displayName, role: user.role, gridIds: p.gridIds }, csrfToken: csrfTokenOf(sessionId) };
}

const cookieOptions = (req: FastifyRequest, maxAgeS?: number) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  path: '/',
  secure: req.protocol === 'https',
  ...(maxAgeS !== undefined && { maxAge: maxAgeS }),
});

export function sessionRoutes(api: FastifyInstance, deps: SessionRouteDeps): void {
  const { store, clock, limiter } = deps;

  api.post('/session', { config: { public: true } }, async (req, reply: FastifyReply) => {
    const b = parse('body', LoginBody, req.body);
    // A password typed into the username field must not land in the access log: a name that
    // is no account is logged as such, not as typed.
    noteAccess(req, { actor: store.users.get(b.username) ? b.username : UNKNOWN_USERNAME, action: 'login' });
    const wait = limiter.blocked(b.username, req.ip);
    if (wait !== undefined) {
      noteAccess(req, { action: 'login-rate-limited' });
      deps.signIns?.inc({ result: 'rate-limited' });
      reply.header('retry-after', String(wait));
      throw new ApiError('rate-limited', `too many failed sign-ins; try again in ${wait} s`);
    }
    const user = await store.users.verify(b.username, b.password);
    if (!user) {
      limiter.failed(b.username, req.ip);
      noteAccess(req, { action: 'login-failed' });
      deps.signIns?.inc({ result: 'bad-credentials' });
      throw new ApiError('bad-credentials', 'expected a known username and its password (the account may be disabled)');
    }
    limiter.succeeded(b.username);
    deps.signIns?.inc({ result: 'ok' });
    const ua = req.headers['user-agent'];
    const { id } = store.sessions.create(user.username, clock(), deps.sessions, { ip: req.ip, ...(typeof ua === 'string' && { userAgent: ua }) });
    reply.setCookie(SESSION_COOKIE, id, cookieOptions(req, Math.floor(deps.sessions.absoluteMs / 1000)));
    reply.header('cache-control', 'no-store');
    return sessionView(user, id);
  });

  api.get('/session', { config: { public: true, accessLog: false } }, async (req, reply) => {
    const sid = sessionIdOf(req);
    const user = req.principal?.kind === 'session' && sid ? store.users.get(req.principal.username) : undefined;
    if (!user || !sid) throw new ApiError('unauthorized', UNAUTHORIZED_MESSAGE);
    reply.header('cache-control', 'no-store');
    return sessionView(user, sid);
  });

  api.delete('/session', { config: { public: true } }, async (req, reply) => {
    const sid = sessionIdOf(req);
    noteAccess(req, { action: 'logout' });
    if (sid) store.sessions.revoke(sid);
    reply.clearCookie(SESSION_COOKIE, cookieOptions(req));
    return reply.code(204).send();
  });
}
