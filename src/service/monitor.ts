// The live service's core loop: readings → detector → alert lifecycle → store → metrics →
// listeners. An alert is persisted before anyone is told about it (no alert is ever lost).
import type { Logger } from 'pino';
import { ALERT_TYPES, type Alert } from '../domain/alert.ts';
import type { MeterStatus, Reading } from '../domain/reading.ts';
import { applyDetectorEvent, createAlertBook, recordInBook, type AlertChange } from '../alerting/lifecycle.ts';
import { createDetector, meterOf, onReading, onStatus, onTick, setAway } from '../detect/detector.ts';
import type { DetectorConfig } from '../detect/config.ts';
import type { DetectorEvent } from '../detect/events.ts';
import { learnFromOutcome } from '../detect/learn.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Store } from '../store/index.ts';
import { restoreDetector, snapshotRows } from './detector-snapshot.ts';

export type AlertListener = (change: AlertChange) => void;

export function createMonitor(deps: { store: Store; metrics: Metrics; detector: DetectorConfig; clock: () => number; logger: Logger }) {
  const { store, metrics, logger } = deps;
  const detector = createDetector(deps.detector);
  // What the detector had learned before the restart, before any reading is processed.
  const restored = restoreDetector(detector, store.detectorSnapshots.list(), deps.clock(), logger);
  if (restored.restored || restored.ignored) logger.info(restored, 'detector state restored');
  const active = store.alerts.listActive();
  const book = createAlertBook(active, store.alerts.list({ limit: 1, offset: 0 }).total + 1);
  // After a restart the detector must know which conditions are already raised, so it clears them.
  for (const a of active) meterOf(detector, a.meterId).active.add(a.type);
  const listeners: AlertListener[] = [];

  const refreshActiveGauge = () => {
    const counts: Record<string, number> = {};
    for (const a of book.active.values()) counts[a.type] = (counts[a.type] ?? 0) + 1;
    for (const t of ALERT_TYPES) metrics.alertsActive.set({ type: t }, counts[t] ?? 0);
  };

  const handle = (events: DetectorEvent[]) => {
    for (const ev of events)
      for (const change of applyDetectorEvent(book, ev)) {
        store.alerts.record(change); // persist first
        if (change.kind === 'opened') metrics.alertsOpened.inc({ type: change.alert.type });
        logger.info({ alertId: change.alert.id, meterId: change.alert.meterId, type: change.alert.type, change: change.kind }, change.alert.reason.en);
        for (const l of listeners) {
          try {
            l(change);
          } catch (err) {
            logger.error({ err, alertId: change.alert.id }, 'alert listener failed');
          }
        }
      }
    if (events.length) refreshActiveGauge();
  };

  return {
    detector,
    book,
    onAlert(l: AlertListener) {
      listeners.push(l);
    },
    onReadings(readings: Reading[]) {
      const kept: Reading[] = [];
      for (const r of readings) {
        const res = onReading(detector, r, r.receivedAt);
        // issue 9: 'held' readings wait in the detector's reorder buffer (released by tick); they,
        // and 'late' ones (behind the watermark), are good data and kept. 'implausible' (still in
        // the future after the meter-clock correction) goes to dead letters with its reason.
        if (res.verdict === 'accepted' || res.verdict === 'held') {
          metrics.readingsAccepted.inc();
          kept.push(r);
        } else if (res.verdict === 'duplicate') metrics.readingsDuplicate.inc();
        else if (res.verdict === 'implausible')
          store.deadLetters.add({ topic: `meters/${r.meterId}/reading`, meterId: r.meterId, payload: JSON.stringify({ ts: r.ts, totalLiters: r.totalLiters }), reason: `implausible-time: ${res.reason}`, receivedAt: r.receivedAt });
        else {
          if (res.verdict === 'late') kept.push(r);
          metrics.readingsRejected.inc({ reason: res.verdict === 'fault' ? 'data-fault' : 'out-of-order' });
        }
        handle(res.events);
      }
      if (kept.length) store.readings.addMany(kept);
    },
    onStatus(s: MeterStatus) {
      handle(onStatus(detector, s, s.receivedAt));
    },
    tick(now = deps.clock()) {
      handle(onTick(detector, now));
    },
    /** Re-read a household's away period and tell the detector about each of its meters. */
    syncAway(householdId: string) {
      const h = store.households.get(householdId);
      if (!h) return;
      for (const meter of store.meters.list({ householdId }))
        handle(setAway(detector, meter.id, h.awayFrom ?? NaN, h.awayUntil ?? NaN, deps.clock()));
    },
    /** Snapshot every meter's detector state in one transaction (periodically and at stop). */
    saveState(now = deps.clock()): { meters: number; ms: number } {
      const t0 = performance.now();
      const rows = snapshotRows(detector, now);
      store.detectorSnapshots.saveAll(rows);
      return { meters: rows.length, ms: Math.round(performance.now() - t0) };
    },
    /** Keep the book in step with an operator's ack/resolve. */
    recordOperatorChange(alert: Alert) {
      recordInBook(book, alert);
      // issue 9 item 6: an answer of 'elder-fine' teaches the household's routine that this
      // silence was normal ('hospital'/'deceased' never teach; see src/detect/learn.ts).
      if (alert.status === 'resolved' && alert.outcome) learnFromOutcome(detector, alert, deps.clock());
      refreshActiveGauge();
    },
  };
}
export type Monitor = ReturnType<typeof createMonitor>;
