// Event-time replay: the same detector and alert lifecycle as the live service, driven by a
// clock that follows arrival time. Between readings, time-only rules (offline) fire at the
// exact simulated moment they would have fired live: each meter's next deadline sits in a
// heap, which is finer than ticking every 5 simulated minutes and costs nothing per idle meter.
import type { Alert } from '../domain/alert.ts';
import type { Reading } from '../domain/reading.ts';
import { applyDetectorEvent, createAlertBook, isTransitionError, recordInBook, resolveManually, type AlertBook } from '../alerting/lifecycle.ts';
import { learnFromOutcome } from '../detect/learn.ts';
import { createDetector, nextDeadline, onReading, tickMeter, type DetectorState } from '../detect/detector.ts';
import type { DetectorConfig } from '../detect/config.ts';
import type { DetectorEvent, ReadingVerdict } from '../detect/events.ts';
import type { MeterState } from '../detect/meter-state.ts';
import { RecentReadings } from '../ingest/dedupe.ts';
import { DEFAULT_PLAUSIBILITY, implausibility } from '../ingest/validate.ts';
import { MinHeap } from './heap.ts';
import { checkInLapsesAt, planAnswer, type PlannedAnswer, type Responder } from './responder.ts';

export interface ReplayEngine {
  /** Feed one reading in arrival order. */
  push(r: Reading): void;
  /** Let simulated time run to `t` (fires due deadlines). */
  advanceTo(t: number): void;
  readonly clock: number;
  readonly detector: DetectorState;
  readonly book: AlertBook;
  readonly verdicts: Record<ReadingVerdict, number>;
  /** Run the clock on until nothing is held any more (end of input without --until). */
  flush(): void;
}

/**
 * Scripted answers (responder.ts): each no-usage alert that reaches someone may get an answer,
 * given at its moment on the replay clock, between deadlines in time order. The alert is then
 * resolved with the outcome and the detector learns from it, as the live service does
 * (monitor.ts recordOperatorChange). `onAnswered` gets the resolved alert, or undefined when it
 * was no longer open (the condition cleared first: the answer came too late to matter).
 * With a check-in window (responder checkIn.windowMs, the ladder's policy.checkIn.windowMin), a
 * check-in nobody answered within it reaches the grid worker then, as escalation.ts does live:
 * `onEscalated` is called with via 'check-in-window' and the visit follows from that moment; the
 * detector's later confirmation of the same alert tells nobody new.
 */
export interface ReplayAnswers {
  responder: Responder;
  onAnswered: (resolved: Alert | undefined, answer: PlannedAnswer) => void;
}

export type EscalatedVia = 'confirmed' | 'check-in-window';

export function createReplayEngine(
  cfg: DetectorConfig,
  onOpened: (a: Alert) => void,
  onEscalated?: (a: Alert, at: number, via: EscalatedVia) => void,
  answers?: ReplayAnswers,
): ReplayEngine {
  const detector = createDetector(cfg);
  const book = createAlertBook();
  const heap = new MinHeap<MeterState>();
  /** Each meter's key in the heap (its earliest pending entry); later entries are stale. */
  const queued = new Map<MeterState, number>();
  const recent = new RecentReadings();
  const verdicts: Record<ReadingVerdict, number> = { accepted: 0, duplicate: 0, 'out-of-order': 0, fault: 0, held: 0, late: 0, implausible: 0 };
  let clock = -Infinity;
  /** Answers due, by time (planned when an alert reaches someone). */
  const pending = new MinHeap<PlannedAnswer>();
  /** Check-in windows that close, by time; and the alerts the grid worker has been told of. */
  const lapses = new MinHeap<{ meterId: string; alertId: string }>();
  const told = new Set<string>();
  const plan = (a: Alert, stage: 'check-in' | 'confirmed', at: number) => {
    const p = answers && planAnswer(answers.responder, a, stage, at);
    if (p) pending.push(p.at, p);
  };
  const openAlert = (meterId: string, alertId: string) => [...book.active.values()].find((a) => a.id === alertId && a.meterId === meterId);
  const tell = (a: Alert, at: number, via: EscalatedVia) => {
    if (told.has(a.id)) return;
    told.add(a.id);
    onEscalated?.(a, at, via);
    plan(a, 'confirmed', at);
  };
  const lapse = (at: number, l: { meterId: string; alertId: string }) => {
    clock = Math.max(clock, at);
    const open = openAlert(l.meterId, l.alertId);
    // Answered, cleared or already confirmed in the window: nothing to escalate.
    if (open?.stage === 'check-in') tell(open, at, 'check-in-window');
  };
  const give = (p: PlannedAnswer) => {
    clock = Math.max(clock, p.at);
    const open = openAlert(p.meterId, p.alertId);
    const r = open && resolveManually(open, p.by === 'elder' ? 'elder (replayed)' : 'grid worker visit (replayed)', clock, `replayed answer: ${p.outcome}`);
    if (!r || isTransitionError(r)) return answers!.onAnswered(undefined, p);
    const resolved: Alert = { ...r, outcome: p.outcome };
    recordInBook(book, resolved);
    learnFromOutcome(detector, resolved, clock);
    const m = detector.meters.get(p.meterId);
    if (m) schedule(m);
    answers!.onAnswered(resolved, p);
  };

  const emit = (events: DetectorEvent[]) => {
    for (const ev of events)
      for (const ch of applyDetectorEvent(book, ev)) {
        if (ch.kind === 'opened') {
          onOpened(ch.alert);
          const checkIn = ch.alert.stage === 'check-in';
          plan(ch.alert, checkIn ? 'check-in' : 'confirmed', ch.alert.openedAt);
          const lapsesAt = checkIn && answers ? checkInLapsesAt(answers.responder, ch.alert.openedAt) : NaN;
          if (!Number.isNaN(lapsesAt)) lapses.push(lapsesAt, { meterId: ch.alert.meterId, alertId: ch.alert.id });
        } else if (ch.kind === 'escalated') tell(ch.alert, ch.at, 'confirmed');
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
    for (;;) {
      const due = heap.peekKey();
      // An answer due no later than the next deadline goes first (a deadline may raise a
      // check-in whose answer is due before t); an answer just in time beats the window.
      const soon = Math.min(t, due);
      if (pending.peekKey() <= Math.min(soon, lapses.peekKey())) {
        give(pending.pop()!);
        continue;
      }
      if (lapses.peekKey() <= soon) {
        const at = lapses.peekKey();
        lapse(at, lapses.pop()!);
        continue;
      }
      if (due > t) break;
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
      // What live ingest screens out before the detector (src/ingest/validate.ts, dedupe.ts):
      // a timestamp no clock correction can explain goes to dead letters there, and a reading
      // delivered again is dropped. Unscreened, a re-sent reading counted as an arrival here and
      // held "offline" back, and a clock 48 h ahead raised another alert than live does.
      if (implausibility(r.ts, r.receivedAt, DEFAULT_PLAUSIBILITY) !== null) {
        verdicts.implausible++;
        return;
      }
      if (recent.unseen([r]).fresh.length === 0) {
        verdicts.duplicate++;
        return;
      }
      recent.remember([r]);
      const res = onReading(detector, r, clock);
      verdicts[res.verdict]++;
      emit(res.events);
      schedule(detector.meters.get(r.meterId)!);
    },
    advanceTo,
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
