// The no-usage rule: is the silence since the household last used water still normal? Judged at
// each interval's end (detector.ts) and, for report-on-change meters, on time alone (the tick):
// deadline.ts says when a silence stops being normal for this household.
import type { DetectorState } from './detector.ts';
import type { DetectorEvent } from './events.ts';
import { stalenessMs } from './delivery.ts';
import { heartbeatMs } from './heartbeat.ts';
import * as ex from './explain.ts';
import { clear, raise } from './conditions.ts';
import { shortestGap, type MeterState } from './meter-state.ts';
import { stepTooCoarseForNoUsage } from './register-step.ts';
import { deadlineFor, soonestDeadlineMs } from './deadline.ts';
import { isMorningAfterNight } from './night.ts';

/** The no-usage rule at data time `t` (a reading's interval end, or a tick's judged time). */
export function checkNoUsage(d: DetectorState, m: MeterState, out: DetectorEvent[], used: boolean, away: boolean, t: number, now: number): void {
  const active = m.active.has('no-usage');
  if (active && (used || away)) {
    clear(m, out, 'no-usage', now, t);
    m.noUsageCheckIn = false;
    m.noUsageSince = NaN;
    return;
  }
  // A new silence starts: the verdict cached for the one that ended can never be asked for
  // again (it is keyed by the silence's start), so it is let go (about 170 B a meter, most of
  // the time; issue 12.4).
  if (used) m.routine.cache = null;
  // Raised and confirmed (or answered): nothing more until use resumes.
  if ((active && !m.noUsageCheckIn) || away || used || Number.isNaN(m.lastUseAt)) return;
  const cfg = d.cfg;
  // Back from being away: the silence at home starts at the return, not at the last use before the trip.
  const since = m.awayFrom <= t ? Math.max(m.lastUseAt, Math.min(m.awayUntil, t)) : m.lastUseAt;
  // Skip the routine lookup for the many silences too short to be due.
  if (t - since < soonestDeadlineMs(cfg)) return;
  const v = deadlineFor(m.routine, since, cfg);
  const confirmed = t >= v.deadline;
  if (!confirmed && (active || !cfg.noUsage.checkIn.enabled || t < v.checkInDeadline)) return;
  const off = cfg.utcOffsetMinutes;
  const due = confirmed ? v.deadline : v.checkInDeadline;
  const reason =
    v.learned && isMorningAfterNight(m.routine, since, t, off)
      ? ex.explainMorning(since, t, m.routine.usualFirstUseMin, due - since, off)
      : ex.explainSilence(since, t, v, m.routine.learnedDays, off, due);
  // The day stays learnable: if use resumes, this silence was the household's own (a day out)
  // and must teach the model; an absence-length one is excluded by the routine itself.
  m.noUsageSince = since;
  if (confirmed) {
    // A check-in already open becomes confirmed (the lifecycle turns this into 'escalated').
    if (active) m.active.delete('no-usage');
    m.noUsageCheckIn = false;
    raise(m, out, 'no-usage', now, t, reason);
  } else {
    m.noUsageCheckIn = true;
    raise(m, out, 'no-usage', now, t, reason, 'check-in');
  }
}

/** A report-on-change meter is presumed alive for this many heartbeats after its last reading. */
const ALIVE_BEATS = 1.25;

/**
 * A report-on-change meter says nothing while nobody uses water, so its silence is known from
 * time alone: had water been used, it would have reported within one reading interval. While
 * it is presumed alive (heard from within ALIVE_BEATS heartbeats, not offline) the tick judges
 * no-usage at data time `now − interval − staleness` (judgeLagMs): a heartbeat then only
 * confirms what the clock said (a 6 h heartbeat would otherwise add three hours to the mean
 * delay). When the no-usage rule
 * would raise next on time alone (the arrival-clock time of that tick), NaN when it would not:
 * mirrors checkNoUsage, so a tick at that time always raises (the replay's deadline heap
 * relies on it to make progress).
 */
export function noUsageTickAt(d: DetectorState, m: MeterState): number {
  const beat = heartbeatMs(m.delivery);
  if (Number.isNaN(beat) || Number.isNaN(m.lastUseAt) || Number.isNaN(m.lastArrival) || m.held.length) return NaN;
  if (m.active.has('offline') || (m.active.has('no-usage') && !m.noUsageCheckIn)) return NaN;
  // A trip that touched this silence: left to the readings (checkNoUsage's return rule).
  if (m.awayUntil > m.lastUseAt || stepTooCoarseForNoUsage(m.flow, d.cfg.noUsage.maxStepL)) return NaN;
  const v = deadlineFor(m.routine, m.lastUseAt, d.cfg);
  const due = d.cfg.noUsage.checkIn.enabled && !m.active.has('no-usage') ? Math.min(v.checkInDeadline, v.deadline) : v.deadline;
  if (!(due > m.register.lastTs)) return NaN; // the readings judge it
  const at = due + judgeLagMs(m);
  return at <= m.lastArrival + ALIVE_BEATS * beat ? at : NaN;
}

/** How far behind the clock the silence of a report-on-change meter is known: a use would be
 *  in a reading within one interval, which arrives within the meter's staleness (a batch). */
export const judgeLagMs = (m: MeterState): number => shortestGap(m) + stalenessMs(m.delivery);
