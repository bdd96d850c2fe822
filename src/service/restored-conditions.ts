// A held "offline" condition in a snapshot that the meter cleared after the snapshot was taken.
// Snapshots are saved every few minutes; after a crash the newest one may predate readings that
// ended an outage (the offline alert was resolved automatically then, and the readings are in
// the store). Restored as it was, the detector would still hold "offline" with no open alert:
// if the meter then fell silent again before reporting once more, no offline alert would ever
// come. Other held conditions stay held: each clears from the meter's next data as live (the
// cumulative register shows any use since), and dropping them would re-raise from stale state.
import type { Alert } from '../domain/alert.ts';
import type { MeterState } from '../detect/meter-state.ts';

/**
 * Drops the restored meter's held offline condition when `latest` (its newest offline alert)
 * was resolved by the meter's own data after `savedAt`. Its silence clock then starts at `now`:
 * it reported after the snapshot, and the service's downtime is not its silence (the same
 * reading as restoreDetector's shift, which would otherwise count from before the outage).
 * Returns whether it changed anything.
 */
export function releaseClearedOffline(m: MeterState, savedAt: number, latest: Alert | undefined, now: number): boolean {
  if (!m.active.has('offline') || !latest || latest.type !== 'offline') return false;
  if (latest.status !== 'resolved' || latest.resolution !== 'auto' || (latest.resolvedAt ?? -Infinity) <= savedAt) return false;
  m.active.delete('offline');
  m.lastArrival = Math.max(m.lastArrival, now);
  return true;
}
