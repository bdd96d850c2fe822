// Plain-text rendering of results: one block per dataset, then the pooled summary with targets.
import type { LabelType } from './labels.ts';
import { LABEL_TYPES, ROUTINE, type Score, type TypeScore } from './score.ts';
import type { SystemRun } from './systems/system.ts';
import { checkTargets, type TargetCheck } from './targets.ts';
import { HOUR, MINUTE } from './trace.ts';

export interface SystemResult {
  system: string;
  score?: Score;
  run?: Omit<SystemRun, 'alerts'>;
  /** Why the system was not scored on this dataset. */
  error?: string;
}

export interface DatasetResult {
  dataset: string;
  readings: number;
  score: Pick<Score, 'meters' | 'householdMonths'>;
  events: Record<string, number>;
  normals: number;
  systems: SystemResult[];
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

function scoreRow(name: string, s: Score): string[] {
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
    n2(s.falseAlarms.perHouseholdMonth),
    ...FA_TYPES.map(([k]) => perMonth(k)),
    s.dataFaults ? `${s.dataFaultSurges} in ${s.dataFaults}` : `${s.dataFaultSurges} (no faults)`,
  ];
}

const HEADER = [
  'system', 'NU recall', 'NU delay h mean/med/max', 'SU recall', 'SU med min', 'LK recall', 'LK med h',
  'OFF recall', 'OFF ≤3 int', 'FA/hh-month', ...FA_TYPES.map(([, label]) => label), 'DF surges',
];

export const LEGEND =
  'NU no-usage · SU surge · LK leak · OFF offline (≤3 int: detected within 3 expected report intervals) · ' +
  'FA false alarms per household-month, total and by alert type · DF surges: surge alerts inside labelled data faults (glitch, reset, duplicates; must be 0) in N faults';

export function formatDatasetBlock(r: DatasetResult): string {
  const events = Object.entries(r.events).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const out = [
    `━━ ${r.dataset} — ${r.score.meters} meters · ${r.score.householdMonths.toFixed(1)} household-months · ` +
      `${n0(r.readings)} readings · events: ${events} · normal periods: ${r.normals}`,
  ];
  const rows = [HEADER, ...r.systems.flatMap((x) => (x.score ? [scoreRow(x.system, x.score)] : []))];
  if (rows.length > 1) out.push(renderTable(rows));
  for (const x of r.systems) {
    if (x.error) out.push(`  ${x.system}: not scored — ${x.error.split('\n').join('\n    ')}`);
  }
  const periods = r.systems.flatMap((x) => {
    const by = Object.entries(x.score?.falseAlarms.byNormal ?? {}).filter(([k]) => k !== ROUTINE);
    return by.length ? [`${x.system}: ${by.map(([k, v]) => `${k} ${v}`).join(', ')}`] : [];
  });
  if (periods.length) out.push(`  false alarms in labelled normal periods — ${periods.join(' · ')}`);
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
  pooled: { system: string; score: Score }[];
  /** anxin's failed targets per dataset. */
  anxinFailures: { dataset: string; failed: TargetCheck[] }[];
  /** Readings replayed and the replay's own processing time (from its reported rate when it gives one). */
  anxinSpeed?: { readings: number; seconds: number; reported: boolean };
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
    const met = checks[a]!.filter((t) => t.ok === true).length;
    const failed = checks[a]!.filter((t) => t.ok === false).length;
    const na = checks[a]!.filter((t) => t.ok === null).length;
    out.push(`  anxin: ${met} targets met, ${failed} missed, ${na} not measurable on these datasets`);
    for (const f of s.anxinFailures) {
      if (f.failed.length) out.push(`    ${f.dataset}: missed ${f.failed.map((t) => `${t.label} (${t.value})`).join('; ')}`);
    }
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

/** Events per label type, in the table's column order. */
export const countEvents = (types: LabelType[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const t of LABEL_TYPES) if (types.includes(t)) out[t] = types.filter((x) => x === t).length;
  return out;
};
