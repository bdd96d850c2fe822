// The live service's core loop: readings → detector → alert lifecycle → store → metrics →
// listeners. An alert is persisted before anyone is told about it (no alert is ever lost;
// during a storage fault it is retried until stored: durable-alerts.ts). Readings are
// kept through the store's group commit. A long batch is processed in slices of
// `sliceMs`, yielding the event loop between them, one meter's messages strictly in
// order (issue 11.3: six 5,000-reading batches held /health for 1.7 s). `settled(meterId)`
// says when everything a meter sent so far is processed and durable: the broker waits
// for it before acknowledging. `queuedReadings` is the depth the broker's admission
// control (src/broker/backpressure.ts) holds under its high-water mark.
import type { Logger } from 'pino';
import { ALERT_TYPES, type Alert } from '../domain/alert.ts';
import type { MeterStatus, Reading } from '../domain/reading.ts';
import { applyDetectorEvent, createAlertBook, recordInBook, type AlertChange } from '../alerting/lifecycle.ts';
import { createDetector, onReading, onStatus, onTick, setAway } from '../detect/detector.ts';
import type { DetectorConfig } from '../detect/config.ts';
import type { DetectorEvent } from '../detect/events.ts';
import { learnFromOutcome } from '../detect/learn.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Store } from '../store/index.ts';
import { restoreDetector, snapshotRows } from './detector-snapshot.ts';
import { restoreAtStart } from './restore-at-start.ts';
import { Cooperative } from './cooperative.ts';
import { DurableAlerts } from './durable-alerts.ts';

export type AlertListener = (change: AlertChange) => void;
/** Hears the readings the detector accepted, after they were stored. */
export type ReadingsListener = (readings: readonly Reading[]) => void;

export function createMonitor(deps: { store: Store; metrics: Metrics; detector: DetectorConfig; clock: () => number; logger: Logger; sliceMs?: number }) {
  const { store, metrics, logger } = deps;
  const sliceMs = deps.sliceMs ?? 4;
  const detector = createDetector(deps.detector);
  // What the detector had learned before the restart, and the conditions the store shows
  // raised, before any reading is processed (restore-at-start.ts).
  const active = restoreAtStart(detector, store, deps.clock(), logger);
  const book = createAlertBook(active, store.alerts.list({ limit: 1, offset: 0 }).total + 1);
  const listeners: AlertListener[] = [];
  const readingListeners: ReadingsListener[] = [];
  const alerts = new DurableAlerts(store, logger, (n) => metrics.alertsUnstored.set({}, n));
  /** Per meter, the work still running for it (a batch being sliced); absent when idle. */
  const busy = new Map<string, Promise<void>>();
  /** The meter whose deferred step (enqueue) is running now, and the slicing it started. */
  let current: { meterId: string; spawned: Promise<void>[] } | undefined;
  /** All deferred work, every meter's, in FIFO order: at most about two slices' time per turn. */
  const turns = new Cooperative(sliceMs * 2);
  /** Per meter, the battery level of its newest status message (memory only: a restart shows
   *  the readings' level until the next status message). */
  const statusBattery = new Map<string, { battery: number; ts: number }>();
  /** Readings handed to onReadings and not yet processed and committed: the broker pauses the busiest sockets when this grows. */
  let queued = 0;

  // The active-alerts gauge is counted when /metrics is rendered, not after every detector
  // event: counting walks every active alert, and when many meters raise at once (10,000 leaks
  // in bench/pipeline.ts) that per event was quadratic, about 10 % of the CPU per reading.
  let activeStale = true;
  const refreshActiveGauge = () => void (activeStale = true);
  metrics.beforeRender(() => {
    if (!activeStale) return;
    activeStale = false;
    const counts: Record<string, number> = {};
    for (const a of book.active.values()) counts[a.type] = (counts[a.type] ?? 0) + 1;
    for (const t of ALERT_TYPES) metrics.alertsActive.set({ type: t }, counts[t] ?? 0);
  });

  const handle = (events: DetectorEvent[]) => {
    for (const ev of events)
      for (const change of applyDetectorEvent(book, ev))
        alerts.record(change, () => {
          // persisted: now it may be counted, logged and told
          if (change.kind === 'opened') metrics.alertsOpened.inc({ type: change.alert.type });
          logger.info({ alertId: change.alert.id, meterId: change.alert.meterId, type: change.alert.type, change: change.kind }, change.alert.reason.en);
          for (const l of listeners) {
            try {
              l(change);
            } catch (err) {
              logger.error({ err, alertId: change.alert.id }, 'alert listener failed');
            }
          }
        });
    if (events.length) refreshActiveGauge();
  };

  /** A reading the detector refused, kept for inspection (through the group commit, like readings)
   *  and counted as rejected under `code`, as every dead letter is (README "Wire contract"). */
  const deadLetter = (r: Reading, topic: string, code: 'implausible-time' | 'late-inconsistent', reason: string) => {
    // Every wire field the meter sent (battery and flow are data too), under the topic it came
    // by and in that topic's shape, so the letter is what to publish again to replay it.
    const sent = { ts: r.ts, totalLiters: r.totalLiters, seq: r.seq, flowLpm: r.flowLpm, battery: r.battery };
    const payload = JSON.stringify(topic.endsWith('/batch') ? { readings: [sent] } : sent);
    const d = { topic, meterId: r.meterId, payload, reason: `${code}: ${reason}`, receivedAt: r.receivedAt };
    store.writes.add(() => store.deadLetters.add(d));
    metrics.deadLetters.inc();
    metrics.readingsRejected.inc({ reason: code });
  };

  /** The detector over readings [from, …) until `deadline`; what is to be stored goes to `kept`.
   *  `topic`: the message they came in (a dead letter is filed under it). */
  const processUntil = (readings: Reading[], topic: string, from: number, deadline: number, kept: Reading[]): number => {
    let i = from;
    while (i < readings.length) {
      if (i > from && (i - from) % 32 === 0 && performance.now() >= deadline) break;
      const r = readings[i++]!;
      let res: ReturnType<typeof onReading>;
      try {
        res = onReading(detector, r, r.receivedAt);
      } catch (err) {
        // A bug of ours in the detector: the reading is still stored (it may already be
        // acknowledged to the meter), the detector skips it, and the rest of the batch goes on.
        logger.error({ err, meterId: r.meterId, ts: r.ts }, 'detector failed on a reading; stored without detection');
        metrics.readingsRejected.inc({ reason: 'internal-error' });
        kept.push(r);
        continue;
      }
      // issue 9: 'held' readings wait in the detector's reorder buffer (released by tick); they,
      // and 'late' ones (behind the watermark) that fit between known readings, are good data
      // and kept. 'implausible' (still in the future after the meter-clock correction) and late
      // ones that do not fit go to dead letters with their reason.
      if (res.verdict === 'accepted' || res.verdict === 'held') {
        metrics.readingsAccepted.inc();
        kept.push(r);
      } else if (res.verdict === 'duplicate') metrics.readingsDuplicate.inc();
      else if (res.verdict === 'implausible') deadLetter(r, topic, 'implausible-time', res.reason ?? 'still in the future after the meter-clock correction');
      else if (res.verdict === 'late' && !res.fits) {
        // Behind the watermark and not between the readings it should lie between (another
        // meter's value, a reset register): not history, but kept for inspection with the reason.
        deadLetter(r, topic, 'late-inconsistent', "behind the readings already used and not between its neighbours' register values");
      } else {
        // A late reading that fits is consistent history: stored, not used by the detector.
        if (res.verdict === 'late') kept.push(r);
        metrics.readingsRejected.inc({ reason: res.verdict === 'fault' ? 'data-fault' : 'out-of-order' });
      }
      handle(res.events);
    }
    return i;
  };

  /** Once what was processed so far is committed and its alert changes stored. Usually the
   *  group commit's own promise, shared by every message of the batch: one PUBACK costs no
   *  promise of its own (bench/pipeline.ts). Alert changes are recorded while processing, so
   *  those pending now are all that these messages caused. */
  const committed = (): Promise<void> => {
    const writes = store.writes.barrier();
    const stored = alerts.barrier();
    return stored ? Promise.all([writes, stored]).then(() => {}) : writes;
  };

  /** One stable sink, so that consecutive messages' readings merge in the group commit. */
  const addReadings = (rs: readonly Reading[]) => store.readings.addManyInTransaction(rs);

  /** What the group commit's current batch took from processSlice: one reaction per batch when
   *  it commits, not one per message. */
  let batch: { done: Promise<void>; readings: number; kept: Reading[] } | undefined;
  const onCommitted = (b: NonNullable<typeof batch>) => () => {
    // Processed and committed: these readings leave the pipeline's queue (admission control).
    queued -= b.readings;
    // Listeners (the history writer) hear readings only once their group commit is done.
    if (b.kept.length)
      for (const l of readingListeners) {
        try {
          l(b.kept);
        } catch (err) {
          logger.error({ err }, 'readings listener failed');
        }
      }
  };

  /** Readings [from, …) until the slice's time is up; returns where it stopped. */
  const processSlice = (readings: Reading[], topic: string, from: number): number => {
    // PIPL: a household that withdrew consent (or a meter revoked) while its long batch was
    // being sliced: the rest is neither processed nor kept. Ingest checked once, at the start;
    // the erasure that follows a withdrawal would otherwise find thousands of readings written
    // after it (and the forgotten meter back in the detector). From memory: no query.
    if (from > 0 && readings.length > 0 && !store.meters.isProcessingAllowed(readings[0]!.meterId)) {
      const dropped = readings.length - from;
      queued -= dropped;
      metrics.readingsRejected.inc({ reason: 'no-consent' }, dropped);
      return readings.length;
    }
    const deadline = performance.now() + sliceMs;
    const kept: Reading[] = [];
    let i = from;
    try {
      i = processUntil(readings, topic, from, deadline, kept);
    } catch (err) {
      // A bug of ours: the rest of this batch is never processed, so it leaves the queue's count now.
      queued -= readings.length - from;
      throw err;
    }
    // The group commit's transaction holds them (no savepoint per message), and every message's
    // readings in one transaction are inserted together, 64 rows a statement (write-queue.ts addRows).
    if (kept.length) store.writes.addRows(addReadings, kept);
    const done = store.writes.barrier();
    if (batch?.done !== done) void done.then(onCommitted((batch = { done, readings: 0, kept: [] })));
    batch.readings += i - from;
    for (const r of kept) batch.kept.push(r);
    return i;
  };

  /** Readings [from, …) as slices on the shared queue; resolves once the last is processed. */
  const sliceRest = (readings: Reading[], topic: string, from: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const task = () => {
        try {
          from = processSlice(readings, topic, from);
        } catch (err) {
          // Never leave the meter's queue (and so its PUBACKs) waiting on a slice that failed.
          reject(err);
          return;
        }
        if (from < readings.length) turns.run(task);
        else resolve();
      };
      turns.run(task);
    });

  /** Runs `work` for `meterId` after whatever is already running for it. */
  const after = (meterId: string, work: () => Promise<void>): Promise<void> => {
    const before = busy.get(meterId);
    const p = (before ? before.then(work) : work()).catch((err: unknown) => logger.error({ err, meterId }, 'internal error processing readings'));
    busy.set(meterId, p);
    void p.finally(() => busy.get(meterId) === p && busy.delete(meterId));
    return p;
  };

  return {
    detector,
    book,
    onAlert(l: AlertListener) {
      listeners.push(l);
    },
    onReadingsStored(l: ReadingsListener) {
      readingListeners.push(l);
    },
    /**
     * Readings of one meter, in order. A short batch is processed before this returns; the
     * rest of a long one continues in later turns (the promise says when it is done).
     * `topic`: the message they came in (meters/{id}/reading when not said).
     */
    onReadings(readings: Reading[], topic?: string): Promise<void> | undefined {
      if (readings.length === 0) return undefined;
      queued += readings.length;
      const meterId = readings[0]!.meterId;
      const via = topic ?? `meters/${meterId}/reading`;
      let from = 0;
      if (current?.meterId === meterId) {
        // Inside this meter's own step: its first slice now; the step completes with the rest.
        from = processSlice(readings, via, 0);
        if (from >= readings.length) return undefined;
        const rest = sliceRest(readings, via, from);
        current.spawned.push(rest);
        return rest;
      }
      if (!busy.has(meterId)) {
        from = processSlice(readings, via, 0);
        if (from >= readings.length) return undefined;
      }
      return after(meterId, () => sliceRest(readings, via, from));
    },
    onStatus(s: MeterStatus): Promise<void> | undefined {
      // The level the household page shows (readings may carry none, or an older one).
      if (s.battery !== undefined) {
        const seen = statusBattery.get(s.meterId);
        if (!seen || s.ts >= seen.ts) statusBattery.set(s.meterId, { battery: s.battery, ts: s.ts });
      }
      if (!busy.has(s.meterId)) return void handle(onStatus(detector, s, s.receivedAt));
      return after(s.meterId, async () => handle(onStatus(detector, s, s.receivedAt)));
    },
    /**
     * Runs `step` (ingest of one message) in a later turn, after everything already queued
     * for `meterId`: a large payload's parsing then has a turn of its own instead of
     * sharing one with every other socket's (six 5,000-reading batches arriving together).
     * A step may go on in later turns: each task it gives `defer` runs on the same queue, as
     * part of this meter's step, and the step is done when its promise settles.
     */
    enqueue(meterId: string, step: (defer: (task: () => void) => void) => unknown): void {
      void after(
        meterId,
        () =>
          new Promise<void>((resolve) => {
            const ctx = { meterId, spawned: [] as Promise<void>[] };
            const inCtx = (task: () => void) => () => {
              current = ctx;
              try {
                task();
              } finally {
                current = undefined;
              }
            };
            const defer = (task: () => void) => turns.run(inCtx(task));
            turns.run(
              inCtx(() => {
                let result: unknown;
                try {
                  result = step(defer);
                } finally {
                  // Whatever it spawned (sliced detector work) is read once the step is over.
                  resolve(Promise.resolve(result).then(() => Promise.all(ctx.spawned)).then(() => {}));
                }
              }),
            );
          }),
      );
    },
    /** Readings received and not yet processed and committed (admission control's depth, /metrics). */
    get queuedReadings(): number {
      return queued;
    },
    /** Is work still queued or running for `meterId`? (Then its next message must queue behind.) */
    isBusy(meterId: string): boolean {
      return busy.has(meterId);
    },
    /**
     * Resolves once everything `meterId` sent so far is processed, its readings and dead
     * letters committed and every alert change it caused stored. The broker acknowledges
     * a QoS 1 publish only then, so a crash never loses an acknowledged reading.
     */
    settled(meterId: string): Promise<void> {
      const running = busy.get(meterId);
      return running ? running.then(committed) : committed();
    },
    /** At stop (after the broker stopped taking messages): finish sliced batches, store what still can be. */
    async flush() {
      while (busy.size) await Promise.all(busy.values());
      alerts.stop();
      store.writes.flushSync();
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
    /**
     * PIPL: the household withdrew consent — drop everything the detector holds for this meter
     * (learned routine, raised conditions), so no "offline" alert follows and nothing more of it
     * is saved in snapshots. Its stored snapshot goes at once too, not with the rest of the
     * household's data after the grace period: a restart in between must not bring it back.
     */
    forgetMeter(meterId: string): boolean {
      statusBattery.delete(meterId);
      const stored = store.detectorSnapshots.delete(meterId);
      return detector.meters.delete(meterId) || stored;
    },
    /** A revoked meter leaves the detector (nothing raised for it), its stored snapshot kept. */
    suspendMeter(meterId: string): boolean {
      statusBattery.delete(meterId);
      return detector.meters.delete(meterId);
    },
    /** The newest battery level a status message carried since the start, with its time. */
    statusBattery(meterId: string): { battery: number; ts: number } | undefined {
      return statusBattery.get(meterId);
    },
    /** A meter active again (a new token after a revocation): what it had learned comes back from
     *  its stored snapshot when the detector does not hold it. */
    resumeMeter(meterId: string): boolean {
      if (detector.meters.has(meterId) || !store.meters.isProcessingAllowed(meterId)) return false;
      const row = store.detectorSnapshots.get(meterId);
      return row !== undefined && restoreDetector(detector, [row], deps.clock(), logger).restored === 1;
    },
    /** Keep the book in step with an operator's ack/resolve. */
    recordOperatorChange(alert: Alert) {
      recordInBook(book, alert);
      // A resolved no-usage alert holds the silence until use resumes (no later escalation), and
      // an answer of 'elder-fine' teaches the household's routine that this silence was normal
      // (issue 9 item 6; 'hospital'/'deceased' never teach; see src/detect/learn.ts).
      if (alert.status === 'resolved') learnFromOutcome(detector, alert, deps.clock());
      refreshActiveGauge();
    },
  };
}
export type Monitor = ReturnType<typeof createMonitor>;
