// What the detector currently thinks of one meter, for the dashboard: when water was last
// used, when a no-usage alert would fire if nothing is used before then, and when the meter
// would count as offline. Pure and read-only over the detector state: the same deadline
// functions the rules use (deadline.ts, detector.ts), so the page never recomputes them.
// This is the ONE place the dashboard reads detector internals; keep it narrow.
import type { AlertType } from '../domain/alert.ts';
import { deadlineFor, soonestDeadlineMs } from './deadline.ts';
import { offlineDeadline, type DetectorState } from './detector.ts';
import { tooCoarseForLeak } from './flow-rules.ts';
import { isAway } from './meter-state.ts';
import { numsLength } from './nums.ts';
import { stepTooCoarseForNoUsage } from './register-step.ts';

export interface MeterStatusView {
  meterId: string;
  /** False before the detector has seen a reading of this meter. */
  known: boolean;
  /** Data time of the last interval that showed water use (null: unknown). */
  lastUseAt: number | null;
  /** Data time of the last report that arrived (null: none yet). */
  lastReportAt: number | null;
  /**
   * When the no-usage alert will fire if no water is used before then (data time). Null when
   * none is pending: unknown meter, away, or a no-usage alert is already open.
   */
  noUsageDeadline: number | null;
  /**
   * A no-usage condition raised and confirmed (or answered) that the detector keeps until water
   * is used again: no new no-usage alert comes before that, whatever became of the alert. The
   * rule's own test (no-usage.ts checkNoUsage). With no such alert still active, someone
   * resolved it while the home is still silent — the page says so instead of "no deadline".
   */
  noUsageHeld: boolean;
  /** True once the routine is learned; false = the fixed learning backstop applies. */
  routineLearned: boolean;
  learnedDays: number;
  /** When the meter would be reported offline if nothing arrives (null: unknown or already offline). */
  offlineAt: number | null;
  away: boolean;
  /** Conditions the detector has raised and not yet cleared. */
  active: AlertType[];
  /** Rules this meter's data cannot support, so they never fire for it (the page says so):
   *  'no-usage' on a register that steps in more than noUsage.maxStepL (a data-fault says why),
   *  'leak' on a meter read less often than leak.maxCadenceMs (it cannot show water stopping). */
  notWatched: ('no-usage' | 'leak')[];
  /** The meter's learned reading interval (ms; null until a few intervals are seen). */
  readingIntervalMs: number | null;
}

const orNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** The status of one meter at clock time `now`. Never changes what the detector decides. */
export function meterStatus(d: DetectorState, meterId: string, now: number): MeterStatusView {
  const m = d.meters.get(meterId);
  if (!m)
    return { meterId, known: false, lastUseAt: null, lastReportAt: null, noUsageDeadline: null, noUsageHeld: false, routineLearned: false, learnedDays: 0, offlineAt: null, away: false, active: [], notWatched: [], readingIntervalMs: null };
  const away = isAway(m, now);
  const coarseStep = stepTooCoarseForNoUsage(m.flow, d.cfg.noUsage.maxStepL);
  const intervalKnown = numsLength(m.dataGaps) >= 3;
  const notWatched: MeterStatusView['notWatched'] = [];
  if (coarseStep) notWatched.push('no-usage');
  // The leak rule's own test, once the interval is known.
  if (intervalKnown && tooCoarseForLeak(d.cfg, m)) notWatched.push('leak');
  let noUsageDeadline: number | null = null;
  // (A register too coarse for no-usage, detector.ts, has no deadline.)
  if (!away && !m.active.has('no-usage') && !Number.isNaN(m.lastUseAt) && !coarseStep) {
    // The same start as the rule (detector.ts checkNoUsage): back from away, the silence at
    // home starts at the return, not at the last use before the trip.
    const t = Number.isNaN(m.register.lastTs) ? m.lastUseAt : Math.max(m.lastUseAt, m.register.lastTs);
    const since = m.awayFrom <= t ? Math.max(m.lastUseAt, Math.min(m.awayUntil, t)) : m.lastUseAt;
    // The rule fires at the first reading at or after both (detector.ts checkNoUsage).
    const at = (from: number) => Math.max(deadlineFor(m.routine, from, d.cfg).deadline, from + soonestDeadlineMs(d.cfg));
    noUsageDeadline = at(since);
    // A trip registered to begin before that deadline: the rule is off while away and counts the
    // silence from the return, so that is the deadline to show, not one in the middle of the trip.
    if (m.awayFrom > since && m.awayFrom <= noUsageDeadline && m.awayUntil > m.awayFrom) noUsageDeadline = at(m.awayUntil);
  }
  return {
    meterId,
    known: true,
    lastUseAt: orNull(m.lastUseAt),
    lastReportAt: orNull(m.lastArrival),
    noUsageDeadline,
    noUsageHeld: m.active.has('no-usage') && !m.noUsageCheckIn,
    routineLearned: m.routine.learnedDays >= d.cfg.minHistoryDays,
    learnedDays: m.routine.learnedDays,
    offlineAt: orNull(offlineDeadline(d, m)),
    away,
    active: [...m.active],
    notWatched,
    readingIntervalMs: intervalKnown ? m.dataCadenceMs : null,
  };
}
