// Plain-text rendering of results: one block per dataset, then the pooled summary with targets.
import type { LabelType } from './labels.ts';
import { RESPONDER } from './systems/anxin.ts';
import { isAbsence, LABEL_TYPES, ROUTINE, summarise as summariseParts, type Score, type ScoreParts, type TypeScore } from './score.ts';
import type { SystemRun } from './systems/system.ts';
import { checkTargets, type TargetCheck } from './targets.ts';
import { HOUR, MINUTE } from './trace.ts';

export interface SystemResult {
  system: string;
  score?: Score;
  run?: Omit<SystemRun, 'alerts'>;
  /** Scored on every alert as first raised (check-ins included): present when the system raised check-ins. */
  checkIn?: ScoreParts;
  /** Why the system was not scored on this dataset. */
  error?: string;
}

export interface DatasetResult {
  dataset: string;
  group: string;
  readings: number;
  score: Pick<Score, 'meters' | 'householdMonths'>;
  events: Record<string, number>;
  normals: number;
  systems: SystemResult[];
  /** Real homes: anxin's false alarms and check-ins per home. */
  perMeter?: { meterId: string; months: number; falseAlarms: number; checkIns: number }[];
}

const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const n2 = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : x.toFixed(2));
const recall = (t: TypeScore): string => (t.events ? `${t.detected}/${t.events}` : '—');
const h = (ms: number): string => (ms / HOUR).toFixed(1);
const mark = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? '✓' : '✗');

export function renderTable(rows: string[][], headerRows = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  const fmt = (r: string[]): string => r.map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length)).join('  ').trimEnd();
  const lines = rows.map(fmt);
  lines.splice(headerRows, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  return lines.join('\n');
}

const FA_TYPES: [string, string][] = [
  ['no-usage', 'FA no-use'],
  ['surge', 'FA surge'],
  ['leak', 'FA leak'],
  ['offline', 'FA offl'],
  ['data-fault', 'FA fault'],
  ['battery-low', 'FA batt'],
];

/** Check-in (first contact, elder only) no-usage delay and false check-ins per household-month. */
export function checkInFacts(parts: ScoreParts | undefined): { delay: TypeScore['delay']; detected: number; events: number; perMonth: number | null } | undefined {
  if (!parts) return undefined;
  const s = summariseParts(parts);
  const nu = s.byType['no-usage'];
  const falseCheckIns = parts.falseAlarmList.filter((f) => f.alert.type === 'no-usage' && f.alert.stage === 'check-in' && !isAbsence(f.normal)).length;
  return { delay: nu.delay, detected: nu.detected, events: nu.events, perMonth: parts.householdMonths > 0 ? falseCheckIns / parts.householdMonths : null };
}

function scoreRow(name: string, s: Score, checkIn?: ScoreParts): string[] {
  const ci = checkInFacts(checkIn);
  const nu = s.byType['no-usage'];
  const su = s.byType.surge;
  const lk = s.byType.leak;
  const off = checkTargets(s).find((t) => t.id === 'offline-3-intervals')!;
  const perMonth = (k: string): string => (s.householdMonths > 0 ? n2((s.falseAlarms.byType[k] ?? 0) / s.householdMonths) : '—');
  return [
    name,
    recall(nu),
    nu.delay ? `${h(nu.delay.mean)} / ${h(nu.delay.median)} / ${h(nu.delay.max)}` : '—',
    recall(su),
    su.delay ? (su.delay.median / MINUTE).toFixed(0) : '—',
    recall(lk),
    lk.delay ? h(lk.delay.median) : '—',
    recall(s.byType.offline),
    s.byType.offline.events ? off.value : '—',
    ci?.delay ? `${h(ci.delay.mean)} / ${h(ci.delay.median)}` : '—',
    ci ? n2(ci.perMonth) : '—',
    n2(s.falseAlarms.perHouseholdMonth),
    ...FA_TYPES.map(([k]) => perMonth(k)),
    s.absences.periods ? `${s.absences.alerts} in ${s.absences.periods}` : '—',
    s.dataFaults ? `${s.dataFaultSurges} in ${s.dataFaults}` : `${s.dataFaultSurges} (no faults)`,
  ];
}

const HEADER = [
  'system', 'NU recall', 'NU delay h mean/med/max', 'SU recall', 'SU med min', 'LK recall', 'LK med h',
  'OFF recall', 'OFF ≤3 int', 'CI delay h mean/med', 'CI/hh-month', 'FA/hh-month', ...FA_TYPES.map(([, label]) => label), 'ABS alerts', 'DF surges',
];

export const LEGEND =
  'NU no-usage · SU surge · LK leak · OFF offline (≤3 int: detected within 3 expected report intervals) · ' +
  'CI check-in (elder asked first; no-usage first-contact delay, false check-ins per household-month) · ' +
  'FA false alarms per household-month (confirmed alerts, unannounced absences apart), total and by alert type · ' +
  'ABS alerts in unannounced multi-day absences (trips nobody registered) in N absences · DF surges: surge alerts inside labelled data faults (glitch, reset, duplicates; must be 0) in N faults';

export function formatDatasetBlock(r: DatasetResult): string {
  const events = Object.entries(r.events).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const out = [
    `━━ ${r.dataset} — ${r.score.meters} meters · ${r.score.householdMonths.toFixed(1)} household-months · ` +
      `${n0(r.readings)} readings · events: ${events} · normal periods: ${r.normals}`,
  ];
  const rows = [HEADER, ...r.systems.flatMap((x) => (x.score ? [scoreRow(x.system, x.score, x.checkIn)] : []))];
  if (rows.length > 1) out.push(renderTable(rows));
  for (const x of r.systems) {
    if (x.error) out.push(`  ${x.system}: not scored — ${x.error.split('\n').join('\n    ')}`);
  }
  const periods = r.systems.flatMap((x) => {
    const by = Object.entries(x.score?.falseAlarms.byNormal ?? {}).filter(([k]) => k !== ROUTINE);
    return by.length ? [`${x.system}: ${by.map(([k, v]) => `${k} ${v}`).join(', ')}`] : [];
  });
  if (periods.length) out.push(`  false alarms in labelled normal periods — ${periods.join(' · ')}`);
  if (r.perMeter?.length) {
    out.push(
      `  anxin per home (false alarms / household-month outside absences · check-ins / household-month): ` +
        r.perMeter.map((p) => `${p.meterId.replace(/^daiad-/, '')} ${n2(p.falseAlarms / p.months)} · ${n2(p.checkIns / p.months)}`).join(' | '),
    );
  }
  const late = r.systems.filter((x) => (x.score?.afterSpan ?? 0) > 0).map((x) => `${x.system} ${x.score!.afterSpan}`);
  if (late.length) out.push(`  alerts opened after the labelled span (trace end; not counted) — ${late.join(' · ')}`);
  const anxin = r.systems.find((x) => x.system === 'anxin' && x.run);
  if (anxin?.run) {
    const { readings, wallMs, readingsPerSec, speedSource } = anxin.run;
    out.push(
      `  anxin replay: ${n0(readings)} readings, ${(wallMs / 1000).toFixed(1)} s wall → ${n0(readingsPerSec)} readings/s ` +
        `(${speedSource === 'reported' ? 'as reported by the replay CLI' : 'lines / wall time incl. process start'})`,
    );
  }
  return out.join('\n');
}

export interface SummaryInput {
  datasets: number;
  householdMonths: number;
  /** Pooled score per system, in column order. */
  pooled: { system: string; score: Score; checkIn?: ScoreParts }[];
  /** anxin per group of datasets, beside the fixed rule's no-usage delay there. */
  groups?: { group: string; datasets: string[]; score?: Score; checkIn?: ScoreParts; fixed?: Score; answered?: { score: Score; checkIn?: ScoreParts } }[];
  /** anxin's failed targets per dataset. */
  anxinFailures: { dataset: string; failed: TargetCheck[] }[];
  /** Readings replayed and the replay's own processing time (from its reported rate when it gives one). */
  anxinSpeed?: { readings: number; seconds: number; reported: boolean };
  /** The "+ answers" run's reply rate (--reply-rate), for its legend. */
  replyRate?: number;
}

export function formatSummary(s: SummaryInput): string {
  const out = [`══ Overall — ${s.datasets} datasets pooled, ${s.householdMonths.toFixed(1)} household-months · targets`];
  if (s.pooled.length === 0) return [...out, '  nothing was scored'].join('\n');
  const checks = s.pooled.map((p) => checkTargets(p.score));
  const rows = [['target', ...s.pooled.map((p) => p.system)]];
  checks[0]!.forEach((t, i) => rows.push([t.label, ...checks.map((c) => `${c[i]!.value} ${mark(c[i]!.ok)}`)]));
  out.push(renderTable(rows));
  const a = s.pooled.findIndex((p) => p.system === 'anxin');
  if (a < 0) {
    out.push('  anxin: not scored (see above); targets shown for the references only');
  } else {
    const ci = checkInFacts(s.pooled[a]!.checkIn);
    if (ci?.delay)
      out.push(`  anxin check-in stage (elder asked first): no-usage ${ci.detected}/${ci.events}, mean delay ${h(ci.delay.mean)} h (median ${h(ci.delay.median)} h), ${n2(ci.perMonth)} check-ins / household-month outside absences`);
    const abs = s.pooled[a]!.score.absences;
    if (abs.periods) out.push(`  unannounced multi-day absences (not in FA): ${abs.alerts} anxin alerts in ${abs.periods} absences`);
    const met = checks[a]!.filter((t) => t.ok === true).length;
    const failed = checks[a]!.filter((t) => t.ok === false).length;
    const na = checks[a]!.filter((t) => t.ok === null).length;
    out.push(`  anxin: ${met} targets met, ${failed} missed, ${na} not measurable on these datasets`);
    for (const f of s.anxinFailures) {
      if (f.failed.length) out.push(`    ${f.dataset}: missed ${f.failed.map((t) => `${t.label} (${t.value})`).join('; ')}`);
    }
    if (s.groups?.length) out.push('', formatGroups(s.groups, s.replyRate));
    if (s.anxinSpeed && s.anxinSpeed.seconds > 0) {
      const { readings, seconds, reported } = s.anxinSpeed;
      out.push(
        `  anxin replay speed overall: ${n0(readings)} readings in ${seconds.toFixed(1)} s = ${n0(readings / seconds)} readings/s ` +
          `(${reported ? 'as reported by the replay CLI' : 'wall time, incl. process start'})`,
      );
    }
  }
  return out.join('\n');
}

/** anxin per group of datasets: tuning seeds, held-out seeds, real homes, held-out real homes. */
export function formatGroups(groups: NonNullable<SummaryInput['groups']>, replyRate = RESPONDER.checkIn.replyRate): string {
  const rows = [[
    'anxin by group', 'hh-months', 'NU recall', 'NU mean h (grid worker)', 'fixed-10L-12h NU mean h', 'CI mean h (elder)', 'CI/hh-month',
    'FA/hh-month', 'FA offline/hh-month by meter', 'SU recall', 'SU med min', 'ABS alerts',
  ]];
  const row = (name: string, s: Score, checkIn: ScoreParts | undefined, fixed: Score | undefined): string[] => {
    const nu = s.byType['no-usage'];
    const ci = checkInFacts(checkIn);
    const off = Object.entries(s.falseOfflineByCadence).map(([c, v]) => `${c} ${v.toFixed(2)}`).join(', ');
    const fixedNu = fixed?.byType['no-usage'].delay;
    return [
      name,
      s.householdMonths.toFixed(1),
      recall(nu),
      nu.delay ? `${h(nu.delay.mean)} (med ${h(nu.delay.median)})` : '—',
      fixedNu ? h(fixedNu.mean) : '—',
      ci?.delay ? `${h(ci.delay.mean)} (med ${h(ci.delay.median)})` : '—',
      ci ? n2(ci.perMonth) : '—',
      n2(s.falseAlarms.perHouseholdMonth),
      off || '—',
      recall(s.byType.surge),
      s.byType.surge.delay ? (s.byType.surge.delay.median / MINUTE).toFixed(0) : '—',
      s.absences.periods ? `${s.absences.alerts} in ${s.absences.periods}` : '—',
    ];
  };
  for (const g of groups) {
    if (g.score) rows.push(row(g.group, g.score, g.checkIn, g.fixed));
    if (g.answered) rows.push(row(`  + answers`, g.answered.score, g.answered.checkIn, g.fixed));
  }
  const lines = [`══ anxin by group (held-out = never used to tune the defaults; absences: unannounced multi-day absences, on their own line, not in FA)`, renderTable(rows)];
  if (groups.some((g) => g.answered))
    lines.push(
      `  "+ answers" (anxin-answered): the same replay with people answering no-usage alerts — a well elder answers ${Math.round(replyRate * 100)} % of check-ins ` +
        `after ${RESPONDER.checkIn.afterMs / MINUTE} min; one unanswered for ${RESPONDER.checkIn.windowMs / MINUTE} min reaches the grid worker (the ladder's check-in window), as a confirmed alert does; ` +
        `the grid worker visits after ${RESPONDER.visit.afterMs / MINUTE} min; "elder fine" teaches the routine (issue 9 item 6)`,
    );
  for (const g of groups) lines.push(`  ${g.group}: ${g.datasets.join(', ')}`);
  return lines.join('\n');
}

/** Events per label type, in the table's column order. */
export const countEvents = (types: LabelType[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const t of LABEL_TYPES) if (types.includes(t)) out[t] = types.filter((x) => x === t).length;
  return out;
};
