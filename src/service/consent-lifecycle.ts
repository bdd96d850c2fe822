// The PIPL data lifecycle of a household (issue 11.5):
//  - withdrawal (PIPL Art. 15): processing stops at once — its meters are revoked and
//    disconnected, the detector forgets them (no "offline" alert, no more learned state saved),
//    its open alerts are resolved by 'consent-withdrawn' — and, after `graceDays` (0 = at once),
//    its data is erased (Art. 47), keeping only the anonymised record of src/store/erasure.ts;
//  - export (Art. 45, the right to a copy): everything stored about it, as JSON;
//  - erasure on request (Art. 47): the same erasure, without the grace period.
import type { Household } from '../domain/household.ts';
import type { Store } from '../store/index.ts';
import type { Failure } from '../store/failure.ts';
import type { ErasureReason } from '../store/erasure.ts';

export { CONSENT_WITHDRAWN_BY } from '../domain/alert.ts';
import { CONSENT_WITHDRAWN_BY } from '../domain/alert.ts';
const WITHDRAWN_NOTE = '已撤回同意，停止处理 · consent withdrawn: processing stopped';

export interface WithdrawResult {
  household: Household;
  revokedMeters: string[];
  closedAlerts: string[];
  /** Present when the data was erased in the same step (grace period 0). */
  erased?: Record<string, number>;
}

export interface PrivacyActions {
  withdraw(householdId: string, at: number): Promise<WithdrawResult | Failure<'household-not-found' | 'no-consent'>>;
  exportData(householdId: string): Record<string, unknown> | undefined;
  erase(householdId: string, reason: ErasureReason): Promise<Record<string, number> | undefined>;
  /** The daily job: erase households whose grace period has passed. */
  /** Erases every household past its grace period; one that fails is reported to `onFailure`
   *  and left for the next run, the others go on. */
  eraseDue(onFailure?: (householdId: string, err: unknown) => void): Promise<{ householdId: string; removed: Record<string, number> }[]>;
}

export interface PrivacyDeps {
  store: Store;
  clock: () => number;
  graceDays: number;
  /** Resolve an alert the way an operator would (keeps the in-memory book and live listeners in step). */
  resolveAlert(id: string, by: string, note: string): unknown;
  /** After a meter is revoked: the composition root disconnects it from the broker. */
  onMeterChanged?(meterId: string): void;
  /** The detector drops the meter's in-memory state (src/service/monitor.ts forgetMeter). */
  forgetMeter?(meterId: string): void;
  /**
   * After a withdrawal stopped processing, and after an erasure: the composition root drops
   * what memory still holds of the household (the live stream's replay ring; on erasure also
   * the history writer's pending points). `meterIds`: its meters, as they were before.
   */
  onWithdrawn?(householdId: string, meterIds: string[]): void;
  onErased?(householdId: string, meterIds: string[]): void;
  /** History to InfluxDB is configured: the erasure also records the deletion of the household's
   *  points InfluxDB holds (ts_erasures, in the erasure's transaction), sent after onErased. */
  timeseries?: boolean;
}

export function createPrivacy(deps: PrivacyDeps): PrivacyActions {
  const { store, clock } = deps;

  /** Stops everything for the household's meters; safe to run again. */
  async function stopProcessing(householdId: string): Promise<{ revokedMeters: string[]; closedAlerts: string[] }> {
    const revokedMeters: string[] = [];
    for (const m of store.meters.list({ householdId })) {
      if (m.status === 'active') {
        store.meters.revoke(m.id);
        revokedMeters.push(m.id);
      }
      deps.onMeterChanged?.(m.id);
      deps.forgetMeter?.(m.id);
    }
    // Family links were shared under the consent now withdrawn: revoked, so a later consent
    // (perhaps signed by someone else) does not silently reopen them; new ones are issued then.
    const now = clock();
    for (const l of store.familyLinks.list(householdId)) if (l.revokedAt === undefined) store.familyLinks.revoke(l.id, now);
    const closedAlerts: string[] = [];
    for (const status of ['open', 'acknowledged'] as const)
      for (const a of store.alerts.list({ householdId, status, limit: 500, offset: 0 }).items) {
        await deps.resolveAlert(a.id, CONSENT_WITHDRAWN_BY, WITHDRAWN_NOTE);
        closedAlerts.push(a.id);
      }
    return { revokedMeters, closedAlerts };
  }

  const meterIdsOf = (householdId: string) => store.meters.list({ householdId }).map((m) => m.id);

  /** The erasure itself, then the hook (the meter rows are gone after it: listed first). */
  function eraseNow(householdId: string, reason: ErasureReason) {
    const meterIds = meterIdsOf(householdId);
    // Readings accepted before processing stopped may still wait in the group commit: committed
    // now, so that the erasure deletes them, rather than after it, with no household left to
    // erase them through.
    store.writes.flushSync();
    const removed = store.erasure.erase(householdId, reason, clock(), { timeseries: deps.timeseries === true });
    if (removed) deps.onErased?.(householdId, meterIds);
    return removed;
  }

  async function erase(householdId: string, reason: ErasureReason) {
    if (!store.households.get(householdId)) return undefined;
    await stopProcessing(householdId);
    return eraseNow(householdId, reason);
  }

  return {
    async withdraw(householdId, at) {
      const h = store.households.withdrawConsent(householdId, at);
      if ('error' in h) return h;
      const stopped = await stopProcessing(householdId);
      deps.onWithdrawn?.(householdId, meterIdsOf(householdId));
      const result: WithdrawResult = { household: h, ...stopped };
      if (deps.graceDays === 0) result.erased = eraseNow(householdId, 'consent-withdrawn') ?? {};
      return result;
    },

    exportData(householdId) {
      const h = store.households.get(householdId);
      if (!h) return undefined;
      const meters = store.meters.list({ householdId });
      const alerts = store.alerts.list({ householdId, limit: 100_000, offset: 0 }).items.map((a) => ({ ...a, history: store.alerts.history(a.id) }));
      return {
        exportedAt: clock(),
        household: h,
        consentHistory: store.households.consentHistory(householdId),
        // The data subject's own copy (PIPL Art. 45): contacts in full, unlike every other answer.
        contacts: store.contacts.list(householdId),
        meters: meters.map((m) => {
          const snap = store.detectorSnapshots.get(m.id);
          return {
            ...m,
            readings: store.readings.recent(m.id, 10_000_000).reverse(),
            learnedRoutine: snap ? { savedAt: snap.savedAt, version: snap.version, state: snap.state } : null,
          };
        }),
        alerts,
      };
    },

    erase,

    async eraseDue(onFailure) {
      const out: { householdId: string; removed: Record<string, number> }[] = [];
      for (const id of store.erasure.withdrawnBefore(clock() - deps.graceDays * 86_400_000)) {
        // Each household on its own: one that cannot be erased now (retried at the next run)
        // must not keep every household after it past its grace period, day after day.
        try {
          const removed = await erase(id, 'consent-withdrawn');
          if (removed) out.push({ householdId: id, removed });
        } catch (err) {
          onFailure?.(id, err);
        }
      }
      return out;
    },
  };
}

