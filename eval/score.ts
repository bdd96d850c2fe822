// Scores a system's alerts against a dataset's labels. Pure: labels and alerts in, numbers out.
//
// Matching rules (one event ↔ its first matching alert):
// - an event is DETECTED by an alert on the same meter whose type is the event's type or one of
//   its alsoAccept, opened in [start − 30 min, end + 1 h]; delay = openedAt − start, floored at
//   0 (an alert just before the labelled start is early, not negative).
// - an alert is EXPLAINED (not a false alarm) when it falls in that window of any event of the
//   same meter, whatever its type: an extra leak alert during a burst pipe, or a no-usage alert
//   during an offline gap, is a reasonable reaction. Exception: a data-fault event explains only
//   the types it accepts, because alarming on bad data is exactly the failure it labels.
// - a false alarm is attributed to the kind of labelled normal period it fell in ("trip: away
//   3 days" → "trip"), with the same tolerances, or to '(routine)'.
// - surge alerts on bad data are counted apart: inside a data-fault event, or inside a normal
//   period labelled as a data fault (the simulator labels duplicate re-sends that way, since
//   they must raise nothing at all).
// - an unexplained alert opened after its meter's labelled span (`to`) is not a false alarm but
//   an artefact of the trace ending (e.g. offline once the simulated readings stop); such
//   alerts are counted in `afterSpan` so that nothing disappears silently.
import type { DatasetLabels, LabelledEvent, LabelType } from './labels.ts';
import { delayStats, type DelayStats } from './stats.ts';
import { DAY, HOUR, MINUTE, toMs, type EvalAlert } from './trace.ts';

export const EARLY_TOLERANCE_MS = 30 * MINUTE;
export const LATE_TOLERANCE_MS = HOUR;
export const LABEL_TYPES: readonly LabelType[] = ['no-usage', 'surge', 'leak', 'offline', 'data-fault'];
export const ROUTINE = '(routine)';
/** Unannounced multi-day absences (a trip nobody registered): reported on a line of their own,
 *  not in the false-alarm rate (every water-only rule raises one alert per trip). */
export const ABSENCE_KINDS: readonly string[] = ['trip', 'absence'];
export const isAbsence = (normalKind: string): boolean => ABSENCE_KINDS.includes(normalKind);

export type Cadence = DatasetLabels['meters'][number]['cadence'];

export interface EventOutcome {
  event: LabelledEvent;
  /** Cadence of the event's meter (offline targets are in expected intervals). */
  cadence?: Cadence;
  alert?: EvalAlert;
  delayMs?: number;
}

export interface FalseAlarm {
  alert: EvalAlert;
  /** Cadence of the alert's meter (offline false alarms are judged per meter type). */
  cadence?: Cadence;
  /** The kind of labelled normal period it fell in ("trip", "late waking"), or ROUTINE. */
  normal: string;
}

export interface TypeScore {
  events: number;
  detected: number;
  /** detected / events, null when there was nothing to detect. */
  recall: number | null;
  /** Delays in ms of the detected events. */
  delay: DelayStats | null;
}

export interface Score {
  meters: number;
  householdMonths: number;
  alerts: number;
  byType: Record<LabelType, TypeScore>;
  overall: TypeScore;
  /** False alarms outside unannounced absences (those are in `absences`). */
  falseAlarms: {
    total: number;
    perHouseholdMonth: number | null;
    byType: Record<string, number>;
    byNormal: Record<string, number>;
  };
  /** False offline alerts per household-month, per meter cadence. */
  falseOfflineByCadence: Record<string, number>;
  monthsByCadence: Record<string, number>;
  /** Unannounced multi-day absences labelled, and the alerts raised during them. */
  absences: { periods: number; alerts: number };
  /** Surge alerts inside a labelled data fault (event or fault normal), explained by nothing else. */
  dataFaultSurges: number;
  /** Labelled data faults: data-fault events plus normal periods labelled as a data fault. */
  dataFaults: number;
  /** Unexplained alerts opened after their meter's labelled span: not counted as false alarms. */
  afterSpan: number;
  outcomes: EventOutcome[];
  falseAlarmList: FalseAlarm[];
}

/** The raw facts a Score is summarised from; scores of several datasets pool by concatenation. */
export interface ScoreParts {
  meters: number;
  householdMonths: number;
  alerts: number;
  outcomes: EventOutcome[];
  falseAlarmList: FalseAlarm[];
  dataFaultSurges: number;
  dataFaults: number;
  afterSpan: number;
  absencePeriods: number;
  /** Household-months per meter cadence. */
  monthsByCadence: Record<string, number>;
}

interface Window {
  meterId: string;
  from: number;
  to: number;
}

const inWindow = (w: Window, meterId: string, t: number): boolean => w.meterId === meterId && t >= w.from && t <= w.to;
const eventWindow = (e: LabelledEvent | { meterId: string; start: string; end: string }): Window => ({
  meterId: e.meterId,
  from: toMs(e.start) - EARLY_TOLERANCE_MS,
  to: toMs(e.end) + LATE_TOLERANCE_MS,
});
/** "trip: away 3 days" → "trip", "long outing (3.2 h)" → "long outing". */
export const normalKind = (what: string): string => what.split(/[:(]/)[0]!.trim() || what;
const isFaultNormal = (what: string): boolean => /duplicate|data[- ]fault/i.test(what);
const accepts = (e: LabelledEvent, type: string): boolean => e.type === type || (e.alsoAccept ?? []).some((t) => t === type);

/**
 * The months a meter was watched: its span less its labelled outages. An alert inside an
 * outage's window is excused (explained by the offline event), so those months must not dilute
 * the false-alarm rate either (on the real homes they were 14.6 of 109.5 household-months).
 */
export function observedMonths(labels: DatasetLabels, meterId: string): number {
  const m = labels.meters.find((x) => x.meterId === meterId);
  if (!m) return 0;
  const from = toMs(m.from);
  const to = toMs(m.to);
  const gaps = labels.events
    .filter((e) => e.meterId === meterId && e.type === 'offline')
    .map((e) => [Math.max(from, toMs(e.start)), Math.min(to, toMs(e.end))] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let off = 0;
  let end = -Infinity;
  for (const [a, b] of gaps) {
    // The union: overlapping outages are counted once.
    if (a > end) (off += b - a), (end = b);
    else if (b > end) (off += b - end), (end = b);
  }
  return Math.max(0, to - from - off) / DAY / 30;
}

function monthsByCadence(labels: DatasetLabels): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of labels.meters) out[m.cadence] = (out[m.cadence] ?? 0) + observedMonths(labels, m.meterId);
  return out;
}

const addUp = (rs: readonly Record<string, number>[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** Household-months watched: the denominator of every rate per household-month. */
export function householdMonths(labels: DatasetLabels): number {
  return labels.meters.reduce((s, m) => s + observedMonths(labels, m.meterId), 0);
}

export function scoreAlerts(labels: DatasetLabels, alerts: readonly EvalAlert[]): Score {
  return summarise(scoreParts(labels, alerts));
}

export function scoreParts(labels: DatasetLabels, alerts: readonly EvalAlert[]): ScoreParts {
  const timed = alerts.map((a) => ({ a, t: toMs(a.openedAt) })).sort((x, y) => x.t - y.t);
  const cadence = new Map(labels.meters.map((m) => [m.meterId, m.cadence] as const));
  const spanEnd = new Map(labels.meters.map((m) => [m.meterId, toMs(m.to)] as const));

  const outcomes: EventOutcome[] = labels.events.map((event) => {
    const w = eventWindow(event);
    const first = timed.find(({ a, t }) => accepts(event, a.type) && inWindow(w, a.meterId, t));
    const outcome: EventOutcome = { event, cadence: cadence.get(event.meterId) };
    if (first) {
      outcome.alert = first.a;
      outcome.delayMs = Math.max(0, first.t - toMs(event.start));
    }
    return outcome;
  });

  const windows = labels.events.map((e) => ({ e, w: eventWindow(e) }));
  const normals = labels.normals.map((n) => ({ what: n.what, w: eventWindow(n) }));
  const faultNormals = normals.filter((n) => isFaultNormal(n.what));
  const falseAlarmList: FalseAlarm[] = [];
  const excusedAbsences = new Set<(typeof normals)[number]>();
  let dataFaultSurges = 0;
  let afterSpan = 0;
  for (const { a, t } of timed) {
    const around = windows.filter(({ w }) => inWindow(w, a.meterId, t));
    // A data fault explains only data-fault alerts, and so does an incapacitation only no-usage
    // ones: during an injected stop the meter goes on reporting, so an offline or leak alert
    // there is no reaction to it. Other events (a burst, a leak, an outage) explain any alert.
    const explained = around.some(({ e }) => (e.type !== 'data-fault' && e.type !== 'no-usage') || accepts(e, a.type));
    if (explained) continue;
    if (t > (spanEnd.get(a.meterId) ?? Infinity)) {
      afterSpan++;
      continue;
    }
    const inFault = around.some(({ e }) => e.type === 'data-fault') || faultNormals.some(({ w }) => inWindow(w, a.meterId, t));
    if (a.type === 'surge' && inFault) dataFaultSurges++;
    const normal = normals.find(({ w }) => inWindow(w, a.meterId, t));
    let kind = normal ? normalKind(normal.what) : ROUTINE;
    // An unannounced absence excuses the one no-usage alert every water-only rule raises for it
    // (README), not a second one, nor an offline, leak or surge alert inside it.
    if (normal && isAbsence(kind)) {
      if (a.type !== 'no-usage' || excusedAbsences.has(normal)) kind = `${kind} (not excused)`;
      else excusedAbsences.add(normal);
    }
    falseAlarmList.push({ alert: a, normal: kind, cadence: cadence.get(a.meterId) });
  }

  return {
    meters: labels.meters.length,
    householdMonths: householdMonths(labels),
    alerts: alerts.length,
    outcomes,
    falseAlarmList,
    dataFaultSurges,
    dataFaults: labels.events.filter((e) => e.type === 'data-fault').length + faultNormals.length,
    afterSpan,
    absencePeriods: labels.normals.filter((n) => isAbsence(normalKind(n.what))).length,
    monthsByCadence: monthsByCadence(labels),
  };
}

function typeScore(outcomes: readonly EventOutcome[]): TypeScore {
  const delays = outcomes.flatMap((o) => (o.delayMs === undefined ? [] : [o.delayMs]));
  return {
    events: outcomes.length,
    detected: delays.length,
    recall: outcomes.length ? delays.length / outcomes.length : null,
    delay: delayStats(delays),
  };
}

const countBy = <T>(items: readonly T[], key: (x: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of items) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
};

export function summarise(parts: ScoreParts): Score {
  const byType = Object.fromEntries(
    LABEL_TYPES.map((type) => [type, typeScore(parts.outcomes.filter((o) => o.event.type === type))]),
  ) as Record<LabelType, TypeScore>;
  const fa = parts.falseAlarmList.filter((f) => !isAbsence(f.normal));
  const inAbsence = parts.falseAlarmList.length - fa.length;
  return {
    meters: parts.meters,
    householdMonths: parts.householdMonths,
    alerts: parts.alerts,
    byType,
    overall: typeScore(parts.outcomes),
    falseAlarms: {
      total: fa.length,
      perHouseholdMonth: parts.householdMonths > 0 ? fa.length / parts.householdMonths : null,
      byType: countBy(fa, (f) => f.alert.type),
      byNormal: countBy(fa, (f) => f.normal),
    },
    absences: { periods: parts.absencePeriods, alerts: inAbsence },
    monthsByCadence: parts.monthsByCadence,
    falseOfflineByCadence: Object.fromEntries(
      Object.entries(parts.monthsByCadence).map(([c, months]) => [c, months > 0 ? fa.filter((f) => f.alert.type === 'offline' && f.cadence === c).length / months : 0]),
    ),
    dataFaultSurges: parts.dataFaultSurges,
    dataFaults: parts.dataFaults,
    afterSpan: parts.afterSpan,
    outcomes: parts.outcomes,
    falseAlarmList: parts.falseAlarmList,
  };
}

/** Pools several datasets' scores of one system: events, delays and false alarms are concatenated. */
export function poolScores(scores: readonly Score[]): Score {
  return summarise({
    meters: scores.reduce((s, x) => s + x.meters, 0),
    householdMonths: scores.reduce((s, x) => s + x.householdMonths, 0),
    alerts: scores.reduce((s, x) => s + x.alerts, 0),
    outcomes: scores.flatMap((x) => x.outcomes),
    falseAlarmList: scores.flatMap((x) => x.falseAlarmList),
    dataFaultSurges: scores.reduce((s, x) => s + x.dataFaultSurges, 0),
    dataFaults: scores.reduce((s, x) => s + x.dataFaults, 0),
    afterSpan: scores.reduce((s, x) => s + x.afterSpan, 0),
    absencePeriods: scores.reduce((s, x) => s + x.absences.periods, 0),
    monthsByCadence: addUp(scores.map((x) => x.monthsByCadence)),
  });
}
