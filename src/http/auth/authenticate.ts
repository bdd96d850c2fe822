// Resolves `request.principal` for every request and enforces, in this order:
//  1. a bearer token (machines): `Authorization: Bearer <http.apiToken>` → admin rights; a wrong
//     one is 401 on every /api route (never a fall-back to the cookie), while the open routes
//     (/health, /metrics, the dashboard's files, family and ack pages) answer without a principal.
//     A header of another scheme (a reverse proxy's `Basic …`) is no credential of ours: ignored;
//  2. a session cookie (people): `anxin_session`, checked against the sessions table, with
//     CSRF protection: a state-changing request must carry `x-csrf-token` (403 'csrf');
//  3. no credential exists at all (no token, no account ever made): a request from this machine with
//     a loopback Host header is served as before (a local demo). Off loopback the service does
//     not start in that state (src/http/auth/secure-start.ts); the Host check stops a web page
//     from reaching it by DNS rebinding.
// Every /api route then needs a principal unless its route config says `public: true`.
import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.ts';
import { csrfTokenOf, type SessionLimits } from '../../store/sessions.ts';
import { ApiError } from '../errors.ts';
import { bearerToken, tokenEquals } from './bearer.ts';
import { LOOPBACK_OPEN_PRINCIPAL, TOKEN_PRINCIPAL, UNAUTHORIZED_MESSAGE, principalFor, type Principal } from './principal.ts';

export const SESSION_COOKIE = 'anxin_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
/** resolve()'s answer for a bearer token that is not the configured one. */
const WRONG_BEARER = Symbol('wrong-bearer');

export interface AuthDeps {
  store: Pick<Store, 'users' | 'sessions'>;
  clock: () => number;
  apiToken?: string;
  sessions: SessionLimits;
}

export const isLoopbackAddress = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip === '::ffff:127.0.0.1' || ip.startsWith('::ffff:127.');
const hostnameOf = (host: string | undefined) => (host ?? '').replace(/:\d+$/, '').toLowerCase();

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session id of the request's cookie, if any (for logout). */
export const sessionIdOf = (req: FastifyRequest): string | undefined => req.cookies?.[SESSION_COOKIE] || undefined;

export function installAuth(app: FastifyInstance, deps: AuthDeps): void {
  const { store, clock } = deps;
  app.register(fastifyCookie);

  const plugin = async (root: FastifyInstance) => {
    root.decorateRequest('principal', null);
    root.decorateRequest('accessNote', null);
    root.decorateRequest('stillSignedIn', function (this: FastifyRequest): boolean {
      if (this.principal?.kind !== 'session') return this.principal !== null;
      const sid = sessionIdOf(this);
      const s = sid ? store.sessions.resolve(sid, clock(), deps.sessions) : undefined;
      const user = s && store.users.get(s.username);
      if (user === undefined || user.disabledAt !== undefined || user.username !== this.principal.username) return false;
      // Role and grids as the request began with: a long-lived answer (the live stream) ends
      // when an admin moves the user to another grid or role, and the client's reconnect sees
      // only what the user may see now (a worker moved off g1 kept receiving g1's alerts).
      const now = principalFor(user);
      const was = this.principal;
      return now.role === was.role && sameGrids(now.gridIds, was.gridIds);
    });
    root.addHook('onRequest', async (req) => {
      // By the matched route as well as the raw URL, so no spelling of a path reaches an /api route unchecked.
      const route = req.routeOptions.url ?? '';
      const isApi = req.url === '/api' || req.url.startsWith('/api/') || route === '/api' || route.startsWith('/api/');
      const resolved = resolve(req, isApi);
      // A wrong token is refused on every /api route, public ones (sign-in) included: a machine
      // that sent one should hear so, not be served as whoever its cookie says.
      if (resolved === WRONG_BEARER) {
        if (isApi) throw new ApiError('unauthorized', 'expected header "Authorization: Bearer <operator token>" with the configured token');
        req.principal = null;
        return;
      }
      req.principal = resolved;
      if (isApi && !req.principal && req.routeOptions.config?.public !== true) throw new ApiError('unauthorized', UNAUTHORIZED_MESSAGE);
    });
  };
  // Not encapsulated (Fastify plugins guide, "skip-override"): the hook covers every route,
  // also those registered later by other modules.
  (plugin as any)[Symbol.for('skip-override')] = true;
  app.register(plugin);

  function resolve(req: FastifyRequest, isApi: boolean): Principal | null | typeof WRONG_BEARER {
    const bearer = bearerToken(req.headers.authorization);
    // Disabling every account does not reopen the API: only a database that never had one is open.
    const anyAuth = deps.apiToken !== undefined || store.users.count() > 0;
    if (bearer !== undefined && deps.apiToken !== undefined) return tokenEquals(bearer, deps.apiToken) ? TOKEN_PRINCIPAL : WRONG_BEARER;
    const sid = sessionIdOf(req);
    if (sid) {
      const s = store.sessions.resolve(sid, clock(), deps.sessions);
      const user = s && store.users.get(s.username);
      if (user && user.disabledAt === undefined) {
        // CSRF (OWASP CSRF cheat sheet, synchronizer token): a cookie is sent by the browser
        // on its own, a header only by our page's script. Only the API acts as the cookie's
        // user: a form outside it (the acknowledgement link's button, /a/<token>) carries its
        // own signed token, and a grid worker signed in on the same phone must not get 403 there.
        if (isApi && !SAFE_METHODS.has(req.method)) {
          const sent = req.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !sameToken(sent, csrfTokenOf(sid)))
            throw new ApiError('csrf', 'expected header "x-csrf-token" with the csrfToken from POST /api/session or GET /api/session');
        }
        return principalFor(user);
      }
    }
    // The socket too, not only request.ip: with http.trustProxy a forwarded "127.0.0.1" is not a local client.
    if (!anyAuth && isLoopbackAddress(req.ip) && isLoopbackAddress(req.socket.remoteAddress ?? "") && LOOPBACK_HOSTS.has(hostnameOf(req.headers.host))) return LOOPBACK_OPEN_PRINCIPAL;
    return null;
  }
}

function sameGrids(a: string[] | 'all', b: string[] | 'all'): boolean {
  if (a === 'all' || b === 'all') return a === b;
  return a.length === b.length && a.every((g) => b.includes(g));
}
