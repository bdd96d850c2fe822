// Grid scoping for routes: load a household or an alert only if the principal may see it,
// answering 404 otherwise (the same answer as for one that does not exist: no leak), and
// note it for the access log.
import type { FastifyRequest } from 'fastify';
import type { Alert } from '../../domain/alert.ts';
import type { Household } from '../../domain/household.ts';
import type { Store } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import { canSeeHousehold, noteAccess, principalOf } from './principal.ts';

export function visibleHousehold(req: FastifyRequest, store: Pick<Store, 'households'>, id: string): Household {
  const h = store.households.get(id);
  noteAccess(req, { householdId: id });
  if (!h || !canSeeHousehold(principalOf(req), h)) throw new ApiError('household-not-found', `no household with id "${id}"`);
  return h;
}

/** The household an alert belongs to (through its meter), when it still has one. */
export function householdOfAlert(store: Pick<Store, 'households' | 'meters'>, alert: Pick<Alert, 'meterId'>): Household | undefined {
  const hid = store.meters.householdOf(alert.meterId);
  return hid === undefined ? undefined : store.households.get(hid);
}

export function visibleAlert(req: FastifyRequest, store: Pick<Store, 'alerts' | 'households' | 'meters'>, id: string): Alert {
  const alert = store.alerts.get(id);
  const p = principalOf(req);
  const h = alert && householdOfAlert(store, alert);
  if (h) noteAccess(req, { householdId: h.id });
  // An alert whose meter has no household any more is visible only to those who see every grid.
  const visible = alert && (h ? canSeeHousehold(p, h) : p.gridIds === 'all' && p.role !== 'operator');
  if (!alert || !visible) throw new ApiError('alert-not-found', `no alert with id "${id}"`);
  return alert;
}
