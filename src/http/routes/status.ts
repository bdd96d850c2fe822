// Households at a glance and the alert board.
//   GET /api/households/status?q=&gridId=  every visible household with its detector status
//   GET /api/households/:id/status         one household
//   GET /api/board                         active alerts (open first, urgent on top) + today's resolved
// The no-usage countdown and the offline time come from the detector (src/detect/status.ts),
// never from the page. Times are epoch ms; `now` is the service clock they are relative to.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_SEVERITY, type Alert } from '../../domain/alert.ts';
import type { Household } from '../../domain/household.ts';
import type { ServerDeps } from '../deps.ts';
import { canSee, viewerOf, visibleHousehold, type DashboardDeps } from '../dashboard.ts';
import { householdView } from '../views.ts';
import { withRecipients } from '../notified.ts';
import { HOUSEHOLD_ROLES, gridScope, noteAccess, requireRole } from '../auth/principal.ts';
import { Id, IdParams, parse } from '../validate.ts';

type Deps = Pick<ServerDeps, 'store' | 'clock'> & { dashboard: DashboardDeps };

const ListQuery = z.strictObject({ q: z.string().trim().max(100).optional(), gridId: Id.optional() });
const BoardQuery = z.strictObject({ resolvedHours: z.coerce.number().min(0).max(168).default(24) });

const minOf = (xs: (number | null)[]) => xs.reduce<number | null>((a, x) => (x === null ? a : a === null ? x : Math.min(a, x)), null);
const maxOf = (xs: (number | null)[]) => xs.reduce<number | null>((a, x) => (x === null ? a : a === null ? x : Math.max(a, x)), null);

export function householdStatus(deps: Deps, h: Household, now: number) {
  const { store, dashboard } = deps;
  const meters = store.meters.list({ householdId: h.id }).map((m) => {
    const s = dashboard.meterStatus(m.id, now);
    // The newer of a reading's level and a status message's (meters/{id}/status), which the
    // battery-low alert may come from: the page must not say 80 % while the alert says 5 %.
    const fromReadings = store.readings.lastBattery(m.id);
    const fromStatus = dashboard.statusBattery?.(m.id);
    const b = fromStatus && (!fromReadings || fromStatus.ts >= fromReadings.ts) ? fromStatus : fromReadings;
    return { ...s, status: m.status, battery: b?.battery ?? null, batteryAt: b?.ts ?? null };
  });
  const live = meters.filter((m) => m.status === 'active');
  // Every open alert, not the open ones among the 50 newest: a flaky meter's self-clearing
  // data faults must not push an open leak off the household page and the family page.
  const alerts = store.alerts.listActiveOfHousehold(h.id);
  return {
    household: householdView(h, now),
    meters,
    lastUseAt: maxOf(live.map((m) => m.lastUseAt)),
    lastReportAt: maxOf(live.map((m) => m.lastReportAt)),
    /** The soonest pending no-usage deadline of its meters (null: none pending). */
    noUsageDeadline: minOf(live.map((m) => m.noUsageDeadline)),
    /** A live meter's no-usage condition is held until water is used (detect/status.ts): with no
     *  no-usage alert in activeAlerts, that alert was resolved while the home is still silent. */
    noUsageHeld: live.some((m) => m.noUsageHeld),
    routineLearned: live.length > 0 && live.every((m) => m.routineLearned),
    offline: live.some((m) => m.active.includes('offline')),
    /** Rules no live meter of the household can support (detect/status.ts), for the page to say. */
    notWatched: [...new Set(live.flatMap((m) => m.notWatched))].filter((r) => live.every((m) => m.notWatched.includes(r))),
    /** The longest learned reading interval of its live meters (ms; null: none known). */
    readingIntervalMs: maxOf(live.map((m) => m.readingIntervalMs)),
    battery: minOf(live.map((m) => m.battery)),
    activeAlerts: alerts.map((a) => ({ id: a.id, type: a.type, status: a.status, severity: ALERT_SEVERITY[a.type], openedAt: a.openedAt })),
  };
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Open before acknowledged before resolved; within that, critical first, then newest. */
export function boardOrder(a: Alert, b: Alert): number {
  const s = (x: Alert) => (x.status === 'open' ? 0 : x.status === 'acknowledged' ? 1 : 2);
  return s(a) - s(b) || SEVERITY_RANK[ALERT_SEVERITY[a.type]] - SEVERITY_RANK[ALERT_SEVERITY[b.type]] || b.openedAt - a.openedAt;
}


/** Household views: an operator is refused (403), as README's role table says, not shown an empty page. */
const carers = { onRequest: requireRole(...HOUSEHOLD_ROLES) };
export function statusRoutes(api: FastifyInstance, deps: Deps): void {
  const { store, clock } = deps;

  api.get('/households/status', carers, async (req) => {
    const q = parse('query', ListQuery, req.query);
    const viewer = viewerOf(req);
    const now = clock();
    const needle = q.q?.toLowerCase();
    const items = store.households
      .list({ limit: 100_000, offset: 0, ...(q.gridId !== undefined && { gridId: q.gridId }) })
      .items.filter((h) => canSee(viewer, h))
      .filter((h) => !needle || h.name.toLowerCase().includes(needle) || (h.address ?? '').toLowerCase().includes(needle) || h.id.toLowerCase().includes(needle))
      .map((h) => householdStatus(deps, h, now));
    noteAccess(req, { subjects: items.map((s) => s.household.id) });
    return { now, items, total: items.length };
  });

  api.get('/households/:id/status', carers, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const h = visibleHousehold(deps, req, id);
    const now = clock();
    return { now, ...householdStatus(deps, h, now) };
  });

  api.get('/board', carers, async (req) => {
    const q = parse('query', BoardQuery, req.query);
    const viewer = viewerOf(req);
    const now = clock();
    const households = new Map<string, Household | undefined>();
    const householdOf = (meterId: string) => {
      const hid = store.meters.householdOf(meterId);
      if (hid === undefined) return undefined;
      if (!households.has(hid)) households.set(hid, store.households.get(hid));
      return households.get(hid);
    };
    const active = store.alerts.listActive();
    // Resolved in the window (not opened in it: one open for two days and resolved an hour ago
    // belongs here), and only of the grids this viewer sees, before the limit: another grid's
    // 200 must not push a worker's own out.
    const scope = gridScope(viewer);
    const resolved = store.alerts.list({ status: 'resolved', resolvedSince: now - q.resolvedHours * 3_600_000, ...(scope && { gridIds: scope }), limit: 200, offset: 0 }).items;
    const items = [...active, ...resolved]
      .map((a) => ({ a, h: householdOf(a.meterId) }))
      .filter(({ h }) => canSee(viewer, h))
      .sort((x, y) => boardOrder(x.a, y.a))
      .map(({ a, h }) => {
        const history = withRecipients(store, a.id, store.alerts.history(a.id));
        return {
          ...a,
          severity: ALERT_SEVERITY[a.type],
          householdId: h!.id,
          householdName: h!.name,
          ...(h!.address !== undefined && { address: h!.address }),
          ...(h!.gridId !== undefined && { gridId: h!.gridId }),
          // Who was told: the notification steps on the timeline, each with its recipient (masked name, role) where the outbox knows it.
          notified: history
            .filter((e) => e.kind.startsWith('notif'))
            .map((e) => ({ at: e.at, kind: e.kind, by: e.by, ...(e.note !== undefined && { note: e.note }), ...(e.recipient && { recipient: e.recipient }) })),
        };
      });
    noteAccess(req, { subjects: [...new Set(items.map((a) => a.householdId))] });
    // Display names of the staff named on these alerts ("wang" → "网格员 王芳") for the page.
    const people: Record<string, string> = {};
    for (const a of items)
      for (const name of [a.acknowledgedBy, a.resolvedBy, ...store.alerts.history(a.id).map((e) => e.by)])
        if (name !== undefined && !(name in people)) {
          const u = store.users.get(name);
          if (u) people[name] = u.displayName;
        }
    return { now, items, open: items.filter((a) => a.status === 'open').length, people };
  });
}
