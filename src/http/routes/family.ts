// Family links. Administrators create and revoke them through the API:
//   POST   /api/households/:id/family-links {label?, ttlDays?} → 201 {link, token, path} (token shown once)
//   GET    /api/households/:id/family-links                    → links (never tokens)
//   DELETE /api/family-links/:linkId                            → revoked at once
// The family opens /family/<token> (no sign-in; the signed token is the credential) and its
// page reads GET /family/<token>/status: only what the elder's consent scope shares —
//   "family-status": whether and when water was last used today ("今天 07:12 已用水，一切正常")
//   "family-alerts": an open alert (its kind, since when), who is on it, and until then how far
//   the ladder has got (`progress`, src/http/family-progress.ts: only the elder asked, the grid
//   worker told, …)
// — and nothing else: no name, address, phone or readings. A bad, revoked or expired token
// and a household without active consent all answer 404 with the same body.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hasActiveConsent, maskName } from '../../domain/household.ts';
import type { ServerDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { requireAdmin, viewerOf, visibleHousehold, type DashboardDeps } from '../dashboard.ts';
import { householdStatus } from './status.ts';
import { familyProgress } from '../family-progress.ts';
import { maskedActor } from '../../notify/acks.ts';
import { IdParams, parse } from '../validate.ts';

export const FAMILY_SCOPES = { status: 'family-status', alerts: 'family-alerts' } as const;

const DAY = 86_400_000;
const CST = 8 * 3_600_000;
const CreateBody = z.strictObject({ label: z.string().trim().min(1).max(100).optional(), ttlDays: z.number().int().min(1).max(366).default(90) }).optional();
const LinkParams = z.strictObject({ linkId: z.string().regex(/^[A-Za-z0-9_-]{12}$/, 'expected a family link id') });
const TokenParams = z.strictObject({ token: z.string().max(200) });

type Deps = Pick<ServerDeps, 'store' | 'clock'> & { dashboard: DashboardDeps };

export function familyAdminRoutes(api: FastifyInstance, deps: Deps): void {
  const { store, clock } = deps;

  api.post('/households/:id/family-links', async (req, reply) => {
    const viewer = viewerOf(req);
    requireAdmin(viewer);
    const { id } = parse('params', IdParams, req.params);
    const b = parse('body', CreateBody, req.body) ?? { ttlDays: 90 };
    const h = visibleHousehold(deps, req, id);
    const { link, token } = store.familyLinks.create({
      householdId: h.id,
      ...(b.label !== undefined && { label: b.label }),
      createdBy: viewer.username,
      now: clock(),
      ttlMs: b.ttlDays * DAY,
    });
    return reply.code(201).send({ link, token, path: `/family/${token}` });
  });

  api.get('/households/:id/family-links', async (req) => {
    const viewer = viewerOf(req);
    requireAdmin(viewer);
    const { id } = parse('params', IdParams, req.params);
    const h = visibleHousehold(deps, req, id);
    return { items: store.familyLinks.list(h.id) };
  });

  api.delete('/family-links/:linkId', async (req) => {
    const viewer = viewerOf(req);
    requireAdmin(viewer);
    const { linkId } = parse('params', LinkParams, req.params);
    const link = store.familyLinks.get(linkId);
    if (!link) throw new ApiError('not-found', `no family link "${linkId}"`);
    visibleHousehold(deps, req, link.householdId);
    store.familyLinks.revoke(linkId, clock());
    return store.familyLinks.get(linkId);
  });
}

/** The public, token-authenticated part (registered outside /api: no session needed). */
export function familyPublicRoutes(app: FastifyInstance, deps: Deps): void {
  const { store, clock } = deps;
  app.get('/family/:token/status', async (req, reply) => {
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const { token } = parse('params', TokenParams, req.params);
    const now = clock();
    const link = store.familyLinks.verify(token, now);
    const h = link && store.households.get(link.householdId);
    if (!h || !hasActiveConsent(h)) throw new ApiError('not-found', 'this family link is not valid (revoked, expired or never issued)');
    // PIPL access log: the link (never its token) read this household's shared status.
    const ua = req.headers['user-agent'];
    store.accessLog.append({
      at: now, actor: `family-link:${link.id}`, actorKind: 'anonymous', action: 'family-view', method: req.method,
      route: '/family/:token/status', householdId: h.id, status: 200, ip: req.ip, ...(typeof ua === 'string' && { userAgent: ua }),
    });
    const scope = h.consent!.scope;
    const shares = { status: scope.includes(FAMILY_SCOPES.status), alerts: scope.includes(FAMILY_SCOPES.alerts) };
    const s = householdStatus(deps, h, now);
    const todayStart = Math.floor((now + CST) / DAY) * DAY - CST;
    const out: Record<string, unknown> = { now, shares, label: link.label ?? null };
    if (shares.status) {
      out.usedToday = s.lastUseAt !== null && s.lastUseAt >= todayStart;
      out.lastUseToday = s.lastUseAt !== null && s.lastUseAt >= todayStart ? s.lastUseAt : null;
      out.away = s.household.awayNow;
    }
    if (shares.alerts) {
      const urgent = s.activeAlerts.filter((a) => a.severity === 'critical' || a.type === 'leak');
      out.alerts = urgent.map((a) => {
        const full = store.alerts.get(a.id)!;
        // Who is on it, by the name the family knows (the user's display name, not the login).
        const by = full.acknowledgedBy === undefined ? undefined : (store.users.get(full.acknowledgedBy)?.displayName ?? maskedActor(full.acknowledgedBy, maskName));
        return {
          type: a.type,
          status: a.status,
          openedAt: a.openedAt,
          // Until someone is on it: how far the ladder has got (never "the grid worker was told" during the check-in).
          ...(by !== undefined ? { acknowledgedBy: by, acknowledgedAt: full.acknowledgedAt } : { progress: familyProgress(store, a.id) }),
        };
      });
    }
    return out;
  });
}
