// The dashboard's routes as one registration, and what they need beyond ServerDeps: the live
// event hub, the detector's read-only status view, and a hook to keep the monitor's
// AlertBook in step when an outcome is recorded. Every route here scopes by the caller's
// grids (a grid worker gets 404 for another grid's household, as the session contract says).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Alert } from '../domain/alert.ts';
import type { Household } from '../domain/household.ts';
import type { MeterStatusView } from '../detect/status.ts';
import type { ServerDeps } from './deps.ts';
import { canSeeHousehold, noteAccess, principalOf, type Principal } from './auth/principal.ts';
import { ApiError } from './errors.ts';
import type { EventHub } from './routes/events.ts';
import { eventRoutes } from './routes/events.ts';
import { statusRoutes } from './routes/status.ts';
import { usageRoutes } from './routes/usage.ts';
import { familyAdminRoutes } from './routes/family.ts';
import { outcomeRoutes } from './routes/alert-outcome.ts';

export interface DashboardDeps {
  hub: EventHub;
  /** The detector's view of one meter at clock time `now` (src/detect/status.ts). */
  meterStatus(meterId: string, now: number): MeterStatusView;
  /** The newest battery level a status message carried (readings' levels are in the store). */
  statusBattery?(meterId: string): { battery: number; ts: number } | undefined;
  /** Called after an alert row changed outside the lifecycle (an outcome was recorded). */
  onAlertUpdated?(alert: Alert): void;
}

/** The caller (src/http/auth/principal.ts); the auth hook has already refused anonymous /api requests. */
export type Viewer = Principal;
export const viewerOf = (req: FastifyRequest): Viewer => principalOf(req);
export const canSee = (v: Viewer, h: Pick<Household, 'gridId'> | undefined): boolean => h !== undefined && canSeeHousehold(v, h);

/** The household if this viewer may see it; otherwise the same 404 as a missing one. Logged as a read of it. */
export function visibleHousehold(deps: Pick<ServerDeps, 'store'>, req: FastifyRequest, id: string): Household {
  const h = deps.store.households.get(id);
  if (!h || !canSee(viewerOf(req), h)) throw new ApiError('household-not-found', `no household with id "${id}"`);
  noteAccess(req, { householdId: h.id });
  return h;
}

export function requireAdmin(v: Viewer): void {
  if (v.role !== 'admin') throw new ApiError('forbidden', `expected an administrator (role "admin"); you are ${v.role}`);
}

/** Registered inside the /api plugin (after its auth hook). */
export function dashboardRoutes(api: FastifyInstance, deps: ServerDeps & { dashboard: DashboardDeps }): void {
  eventRoutes(api, deps);
  statusRoutes(api, deps);
  usageRoutes(api, deps);
  familyAdminRoutes(api, deps);
  outcomeRoutes(api, deps);
}
