// Who is asking, and what they may see. Every /api route gets `request.principal`; the grid
// scoping is decided here, on the server, never only in the page.
//   grid-worker: only households whose gridId is in gridIds (others answer 404, not 403:
//                existence is not leaked);
//   admin:       every grid; manages households, meters, consent, contacts and users;
//   operator:    system health, dead letters, simulator and replay; no personal data.
// The bearer token (`http.apiToken`) is a machine principal with admin rights.
import type { FastifyRequest } from 'fastify';
import type { Household } from '../../domain/household.ts';
import type { Role } from '../../store/users.ts';
import { ApiError } from '../errors.ts';

export type { Role } from '../../store/users.ts';

export interface Principal {
  kind: 'session' | 'token';
  username: string;
  role: Role;
  /** 'all' for admins and the token; a grid worker's grids; [] for operators (no households). */
  gridIds: string[] | 'all';
}

/** What a route tells the access log beyond method and URL (see noteAccess). */
export interface AccessNote {
  householdId?: string;
  subjects?: string[];
  action?: string;
  /** For a sign-in: the username tried (there is no principal yet). */
  actor?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    accessNote: AccessNote | null;
    /**
     * For long-lived answers (the SSE stream): is the principal that opened this request still
     * signed in? A session is checked again (signed out, expired, disabled, password reset →
     * false) and counts as used; the token and the loopback-open principal stay valid.
     */
    stillSignedIn(): boolean;
  }
  interface FastifyContextConfig {
    /** An /api route reachable without a principal (sign-in, the family page). */
    public?: boolean;
    /** false: not written to the access log (e.g. GET /api/session, polled by the page). */
    accessLog?: boolean;
  }
}

export const TOKEN_PRINCIPAL: Principal = Object.freeze({ kind: 'token', username: 'api-token', role: 'admin', gridIds: 'all' }) as Principal;
/** No credential of any kind exists and the request came from this machine (see authenticate.ts). */
export const LOOPBACK_OPEN_PRINCIPAL: Principal = Object.freeze({ kind: 'token', username: 'loopback (no auth configured)', role: 'admin', gridIds: 'all' }) as Principal;

export function principalFor(user: { username: string; role: Role; gridIds: string[] }): Principal {
  return { kind: 'session', username: user.username, role: user.role, gridIds: user.role === 'admin' ? 'all' : user.role === 'grid-worker' ? [...user.gridIds] : [] };
}

/** The signed-in principal, or 401. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new ApiError('unauthorized', UNAUTHORIZED_MESSAGE);
  return req.principal;
}

export const UNAUTHORIZED_MESSAGE = 'expected a session cookie from POST /api/session or header "Authorization: Bearer <operator token>"';

/** A route hook (onRequest or preHandler): 401 without a principal, 403 when its role is not listed. */
export function requireRole(...roles: Role[]): (req: FastifyRequest) => Promise<void> {
  return async (req) => {
    const p = principalOf(req);
    if (!roles.includes(p.role)) throw new ApiError('forbidden', `expected one of the roles ${roles.join(', ')}; you are ${p.role}`);
  };
}

/** Roles that may see households (and so their alerts, contacts, meters). */
export const HOUSEHOLD_ROLES: Role[] = ['admin', 'grid-worker'];

/**
 * A grid worker does not see a household whose consent was withdrawn (PIPL Art. 15: processing,
 * showing included, stops; it waits for erasure, src/service/consent-lifecycle.ts); admins do.
 */
export function canSeeHousehold(p: Principal, h: Pick<Household, 'gridId' | 'consent'>): boolean {
  if (p.role === 'operator') return false;
  if (p.gridIds === 'all') return true;
  if (h.consent?.withdrawnAt !== undefined) return false;
  return h.gridId !== undefined && p.gridIds.includes(h.gridId);
}

/**
 * For list queries: `undefined` = every grid; an array = only households in these grids
 * ([] = none). Store list methods take it as their `gridIds` filter.
 */
export function gridScope(p: Principal): string[] | undefined {
  if (p.role === 'operator') return [];
  return p.gridIds === 'all' ? undefined : p.gridIds;
}

/** Tell the access log which household(s) this request read or changed, or name the action. */
export function noteAccess(req: FastifyRequest, note: AccessNote): void {
  req.accessNote = { ...(req.accessNote ?? {}), ...note };
}
