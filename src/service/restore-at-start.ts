// The detector's state at start-up: what it had learned before the restart (its snapshots,
// only of meters that may still be processed), held offline conditions the store shows cleared
// since the snapshot released, and the conditions of the alerts still open marked raised — all
// before any reading is processed (src/service/monitor.ts).
import type { Logger } from 'pino';
import type { Alert } from '../domain/alert.ts';
import { meterOf, type DetectorState } from '../detect/detector.ts';
import type { Store } from '../store/index.ts';
import { restoreDetector } from './detector-snapshot.ts';
import { releaseClearedOffline } from './restored-conditions.ts';

/** Restores `detector` from the store; returns the active alerts (for the alert book). */
export function restoreAtStart(detector: DetectorState, store: Store, now: number, logger: Logger): Alert[] {
  // What the detector had learned before the restart, before any reading is processed.
  // Who may be processed is read before the iteration: no other statement may run on the
  // connection while each() iterates.
  const allowed = new Set(store.meters.processingAllowedIds());
  const restored = restoreDetector(detector, store.detectorSnapshots.each(), now, logger, (id) => allowed.has(id));
  let released = 0;
  for (const { meterId, savedAt } of restored.heldOffline) {
    const latest = store.alerts.list({ meterId, type: 'offline', limit: 1, offset: 0 }).items[0];
    if (releaseClearedOffline(detector.meters.get(meterId)!, savedAt, latest, now)) released++;
  }
  if (restored.restored || restored.ignored || restored.skipped)
    logger.info({ restored: restored.restored, ignored: restored.ignored, skipped: restored.skipped, offlineReleased: released }, 'detector state restored');
  const active = store.alerts.listActive();
  // After a restart the detector must know which conditions are already raised, so it clears them.
  // An open no-usage alert's stage is the truth too: one opened at check-in after the last
  // snapshot (a crash) must still be confirmed at the full deadline.
  const openNoUsage = new Set<string>();
  for (const a of active) {
    const m = meterOf(detector, a.meterId);
    m.active.add(a.type);
    if (a.type !== 'no-usage') continue;
    openNoUsage.add(a.meterId);
    m.noUsageCheckIn = a.stage === 'check-in';
  }
  // A check-in whose alert is no longer open was resolved by a person (or cleared by use, which
  // the next reading shows): held, not escalated later (detect/learn.ts).
  for (const m of detector.meters.values()) if (m.noUsageCheckIn && !openNoUsage.has(m.meterId)) m.noUsageCheckIn = false;
  return active;
}
