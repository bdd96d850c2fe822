// Event-time replay: the same detector and alert lifecycle as the live service, driven by a
// clock that follows arrival time. Between readings, time-only rules (offline) fire at the
// exact simulated moment they would have fired live: each meter's next deadline sits in a
// heap, which is finer than ticking every 5 simulated minutes and costs nothing per idle meter.
import type { Alert, VisitOutcome } from '../domain/alert.ts';
import type { Reading } from '../domain/reading.ts';
import { applyDetectorEvent, createAlertBook, isTransitionError, recordInBook, resolveManually, type AlertBook } from '../alerting/lifecycle.ts';
import { learnFromOutcome } from '../detect/learn.ts';
import { createDetector, nextDeadline, onReading, tickMeter, type DetectorState } from '../detect/detector.ts';
import type { DetectorConfig } from '../detect/config.ts';
import type { DetectorEvent, ReadingVerdict } from '../detect/events.ts';
import type { MeterState } from '../detect/meter-state.ts';
import { MinHeap } from './heap.ts';

export interface ReplayEngine {
  /** Feed one reading in arrival order. */
  push(r: Reading): void;
  /** Let simulated time run to `t` (fires due deadlines). */
  advanceTo(t: number): void;
  /** The earliest queued deadline (Infinity when none): lets a caller interleave its own events. */
  nextDue(): number;
  readonly clock: number;
  readonly detector: DetectorState;
  readonly book: AlertBook;
  readonly verdicts: Record<ReadingVerdict, number>;
  /** Run the clock on until nothing is held any more (end of input without --until). */
  flush(): void;
  /**
   * Someone answered alert `alertId` at `at` (the clock is run to `at` first): it is resolved
   * with `outcome` and the detector learns from it, as the live service does (monitor.ts
   * recordOperatorChange). Returns the resolved alert, or undefined when it was no longer open
   * (the condition cleared first: the answer came too late to matter).
   */
  answer(meterId: string, alertId: string, outcome: VisitOutcome, at: number, by: string): Alert | undefined;
}

export function createReplayEngine(cfg: DetectorConfig, onOpened: (a: Alert) => void, onEscalated?: (a: Alert, at: number) => void): ReplayEngine {
  const detector = createDetector(cfg);
  const book = createAlertBook();
  const heap = new MinHeap<MeterState>();
  /** Each meter's key in the heap (its earliest pending entry); later entries are stale. */
  const queued = new Map<MeterState, number>();
  const verdicts: Record<ReadingVerdict, number> = { accepted: 0, duplicate: 0, 'out-of-order': 0, fault: 0, held: 0, late: 0, implausible: 0 };
  let clock = -Infinity;

  const emit = (events: DetectorEvent[]) => {
    for (const ev of events)
      for (const ch of applyDetectorEvent(book, ev)) {
        if (ch.kind === 'opened') onOpened(ch.alert);
        else if (ch.kind === 'escalated') onEscalated?.(ch.alert, ch.at);
      }
  };
  const schedule = (m: MeterState) => {
    const dl = nextDeadline(detector, m);
    if (Number.isNaN(dl)) return;
    // Deadlines usually move later (an entry already queued then re-schedules when it pops), but
    // may move earlier: a meter's second delivery teaches its interval, and "offline" after the
    // unlearned wait (a day) becomes three intervals. Then an earlier entry is pushed too.
    const key = queued.get(m);
    if (key !== undefined && key <= dl) return;
    heap.push(dl, m);
    queued.set(m, dl);
  };
  const advanceTo = (t: number) => {
    while (heap.peekKey() <= t) {
      const due = heap.peekKey();
      const m = heap.pop()!;
      if (queued.get(m) !== due) continue; // superseded by an earlier entry, already handled
      queued.delete(m);
      const dl = nextDeadline(detector, m);
      if (Number.isNaN(dl)) continue;
      if (dl > due) {
        schedule(m); // it reported since: its deadline moved on
        continue;
      }
      clock = Math.max(clock, dl);
      emit(tickMeter(detector, m, dl));
      schedule(m); // a released delivery leaves its offline deadline pending
    }
    if (t > clock) clock = t;
  };

  return {
    push(r) {
      advanceTo(r.receivedAt);
      const res = onReading(detector, r, clock);
      verdicts[res.verdict]++;
      emit(res.events);
      schedule(detector.meters.get(r.meterId)!);
    },
    advanceTo,
    nextDue: () => heap.peekKey(),
    answer(meterId, alertId, outcome, at, by) {
      advanceTo(at);
      const open = [...book.active.values()].find((a) => a.id === alertId && a.meterId === meterId);
      if (!open) return undefined;
      const r = resolveManually(open, by, clock, `replayed answer: ${outcome}`);
      if (isTransitionError(r)) return undefined;
      const resolved: Alert = { ...r, outcome };
      recordInBook(book, resolved);
      learnFromOutcome(detector, resolved, clock);
      const m = detector.meters.get(meterId);
      if (m) schedule(m);
      return resolved;
    },
    flush() {
      let t = clock;
      for (const m of detector.meters.values()) if (m.held.length) t = Math.max(t, clock + cfg.delivery.maxHoldMs);
      if (t > clock) advanceTo(t);
    },
    get clock() {
      return clock;
    },
    detector,
    book,
    verdicts,
  };
}
