// Which household and grid a meter belongs to, for the tags of its points. Cached for a
// minute of clock time: a household moved to another grid is tagged anew within a minute.
import type { Store } from '../store/index.ts';
import { UNASSIGNED } from './schema.ts';
import type { Placement } from './points.ts';

const TTL_MS = 60_000;

export function createPlacements(store: Pick<Store, 'meters' | 'households'>, clock: () => number) {
  const byMeter = new Map<string, Placement & { at: number }>();
  const byHousehold = new Map<string, { grid: string; meters: string[]; at: number }>();

  const household = (id: string) => {
    const now = clock();
    let h = byHousehold.get(id);
    if (!h || now - h.at > TTL_MS) {
      h = { grid: store.households.get(id)?.gridId || UNASSIGNED, meters: store.meters.list({ householdId: id }).map((m) => m.id), at: now };
      byHousehold.set(id, h);
    }
    return h;
  };

  return {
    of(meterId: string): Placement {
      const now = clock();
      let p = byMeter.get(meterId);
      if (!p || now - p.at > TTL_MS) {
        const hh = store.meters.householdOf(meterId) ?? UNASSIGNED;
        p = { household: hh, grid: hh === UNASSIGNED ? UNASSIGNED : household(hh).grid, at: now };
        byMeter.set(meterId, p);
      }
      return { household: p.household, grid: p.grid };
    },
    /** Erasure: no cached tag of the household or its meters outlives it. */
    forget(householdId: string, meterIds: readonly string[]): void {
      byHousehold.delete(householdId);
      for (const m of meterIds) byMeter.delete(m);
      for (const [m, p] of byMeter) if (p.household === householdId) byMeter.delete(m);
    },
    gridOf: (householdId: string) => (householdId === UNASSIGNED ? UNASSIGNED : household(householdId).grid),
    metersOf: (householdId: string) => (householdId === UNASSIGNED ? [] : household(householdId).meters),
  };
}
