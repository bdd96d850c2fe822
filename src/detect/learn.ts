// Learning from people's answers (issue 9 item 6): a visit outcome or a check-in reply of
// "elder fine" (out for the day, at the daughter's) teaches the household's model that such a
// silence is normal, so the next one like it does not alarm. Only 'elder-fine' teaches: an
// outcome of 'hospital' or 'deceased' is a real incapacitation and must never become a
// precedent, and the others (meter fault, unregistered trip, false alarm, other) say nothing
// about how long this elder is normally silent. A taught silence still never moves a deadline
// past noUsage.hardCapMs, so recall of a real incapacitation is bounded whatever was taught.
import type { AlertType, VisitOutcome } from '../domain/alert.ts';
import type { DetectorState } from './detector.ts';

export interface AnsweredAlert {
  meterId: string;
  type: AlertType;
  outcome?: VisitOutcome;
  /** The data time the alert was raised at: which silence it was about. */
  observedAt?: number;
}

/** Outcomes that teach "this silence was normal". Exported for tests and docs. */
export const TEACHING_OUTCOMES: readonly VisitOutcome[] = ['elder-fine'];

/**
 * A person resolved an alert at clock time `now` (with an outcome or without). For a no-usage
 * alert answered 'elder-fine', the silence it was about — from its start to now, or to when use
 * resumed — is kept as a precedent for the household's routine. Any resolution of a no-usage
 * alert ends the current silence's alerting (no escalation of a check-in someone handled).
 * Returns whether anything was learned.
 */
export function learnFromOutcome(d: DetectorState, a: AnsweredAlert, now: number): boolean {
  if (a.type !== 'no-usage') return false;
  const m = d.meters.get(a.meterId);
  if (!m) return false;
  // An outcome written up late on an older alert is about a silence that has ended: it must
  // neither teach nor hold the silence going on now (still being judged, maybe a real fall).
  if (a.observedAt !== undefined && Number.isFinite(m.noUsageSince) && a.observedAt < m.noUsageSince) return false;
  // Whatever the outcome, someone has seen to this silence: a check-in resolved by a visit
  // ('hospital', an unregistered trip) or closed without one is not raised again as a new
  // alert at the confirmed deadline. It stays raised (held) until use resumes.
  if (m.active.has('no-usage')) m.noUsageCheckIn = false;
  if (!a.outcome || !TEACHING_OUTCOMES.includes(a.outcome)) return false;
  const since = m.noUsageSince;
  if (Number.isNaN(since)) return false;
  // Still silent: the silence lasted at least until the answer; else until use resumed.
  const end = m.lastUseAt > since ? m.lastUseAt : Math.max(now, m.register.lastTs);
  if (!(end > since)) return false;
  const r = m.routine;
  r.taught.push(since, end);
  r.version++;
  return true;
}
