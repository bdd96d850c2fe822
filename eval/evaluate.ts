// The evaluation loop: build each dataset, write it out, run every system on it, score.
// Results are handed to `onDataset` as soon as a dataset is done (the table prints as it goes).
import { join } from 'node:path';
import { DatasetUnavailable, type Dataset, type DatasetSpec } from './datasets/dataset.ts';
import { writeJson, writeJsonl } from './io.ts';
import { householdMonths, isAbsence, observedMonths, poolScores, scoreAlerts, scoreParts, type ScoreParts } from './score.ts';
import { SystemUnavailable, type System } from './systems/system.ts';
import { checkTargets, type TargetCheck } from './targets.ts';
import { countEvents, type DatasetResult, type SummaryInput, type SystemResult } from './table.ts';
import { arrivalMs, toMs } from './trace.ts';

export interface EvaluateOptions {
  specs: DatasetSpec[];
  systems: System[];
  outDir: string;
  onDataset?: (r: DatasetResult) => void;
  onSkip?: (dataset: string, why: string) => void;
  onProgress?: (msg: string) => void;
}

export interface EvalResults {
  datasets: DatasetResult[];
  skipped: { dataset: string; why: string }[];
  summary: SummaryInput;
}

/** Clock time to run to: the end of the labelled span, or the last arrival if later. */
export function runUntil(ds: Dataset): number {
  const ends = ds.labels.meters.map((m) => toMs(m.to));
  const last = ds.lines.length ? arrivalMs(ds.lines[ds.lines.length - 1]!) : -Infinity;
  return Math.max(last, ...ends);
}

export async function evaluate(opts: EvaluateOptions): Promise<EvalResults> {
  const datasets: DatasetResult[] = [];
  const skipped: EvalResults['skipped'] = [];
  const unavailable = new Map<string, string>();
  const progress = opts.onProgress ?? (() => {});

  for (const spec of opts.specs) {
    let ds: Dataset;
    try {
      progress(`building ${spec.name} (${spec.about})`);
      ds = await spec.build();
    } catch (err) {
      const why = err instanceof DatasetUnavailable ? err.message : `failed to build: ${(err as Error).stack ?? String(err)}`;
      skipped.push({ dataset: spec.name, why });
      opts.onSkip?.(spec.name, why);
      continue;
    }
    const dir = join(opts.outDir, ds.name);
    const trace = join(dir, 'trace.jsonl');
    writeJsonl(trace, ds.lines);
    writeJson(join(dir, 'labels.json'), ds.labels);
    const until = runUntil(ds);

    const systems: SystemResult[] = [];
    for (const sys of opts.systems) {
      const known = unavailable.get(sys.name);
      if (known) {
        systems.push({ system: sys.name, error: known });
        continue;
      }
      try {
        progress(`  running ${sys.name} on ${ds.name} (${ds.lines.length.toLocaleString('en-US')} readings)`);
        const { alerts, ...run } = await sys.run(ds, { trace, alerts: join(dir, `alerts-${sys.name}.jsonl`), until });
        // Grid-worker alerts: confirmed ones (an escalated check-in counts from its confirmation).
        // First contact: every alert as first raised (a check-in asks only the elder).
        const confirmed = alerts.filter((a) => a.stage !== 'check-in');
        const checkIn = alerts.some((a) => a.stage === 'check-in') ? scoreParts(ds.labels, alerts.filter((a) => !a.escalated)) : undefined;
        systems.push({ system: sys.name, score: scoreAlerts(ds.labels, confirmed), run, ...(checkIn && { checkIn }) });
      } catch (err) {
        const msg = (err as Error).message;
        if (err instanceof SystemUnavailable) unavailable.set(sys.name, msg);
        systems.push({ system: sys.name, error: msg });
      }
    }
    const result: DatasetResult = {
      dataset: ds.name,
      group: spec.group ?? 'other',
      readings: ds.lines.length,
      score: { meters: ds.labels.meters.length, householdMonths: householdMonths(ds.labels) },
      events: countEvents(ds.labels.events.map((e) => e.type)),
      normals: ds.labels.normals.length,
      systems,
    };
    const anxin = systems.find((x) => x.system === 'anxin' && x.score);
    if (anxin && (spec.group ?? '').startsWith('real homes')) {
      result.perMeter = ds.labels.meters.map((m) => ({
        meterId: m.meterId,
        months: Math.max(1e-9, observedMonths(ds.labels, m.meterId)),
        falseAlarms: anxin.score!.falseAlarmList.filter((f) => f.alert.meterId === m.meterId && !isAbsence(f.normal)).length,
        checkIns: (anxin.checkIn?.falseAlarmList ?? []).filter((f) => f.alert.meterId === m.meterId && f.alert.stage === 'check-in' && f.alert.type === 'no-usage' && !isAbsence(f.normal)).length,
      }));
    }
    datasets.push(result);
    opts.onDataset?.(result);
  }
  return { datasets, skipped, summary: summarise(datasets, opts.systems.map((s) => s.name)) };
}

/** Check-in facts pooled over datasets: no-usage first-contact delays and false check-ins. */
export function poolCheckIns(parts: readonly ScoreParts[]): ScoreParts | undefined {
  if (!parts.length) return undefined;
  return {
    meters: parts.reduce((s, x) => s + x.meters, 0),
    householdMonths: parts.reduce((s, x) => s + x.householdMonths, 0),
    alerts: parts.reduce((s, x) => s + x.alerts, 0),
    outcomes: parts.flatMap((x) => x.outcomes),
    falseAlarmList: parts.flatMap((x) => x.falseAlarmList),
    dataFaultSurges: 0,
    dataFaults: 0,
    afterSpan: 0,
    absencePeriods: parts.reduce((s, x) => s + x.absencePeriods, 0),
    monthsByCadence: {},
  };
}

function summarise(datasets: DatasetResult[], order: string[]): SummaryInput {
  const pooled = order.flatMap((system) => {
    const runs = datasets.flatMap((d) => d.systems.filter((s) => s.system === system && s.score));
    const checkIn = poolCheckIns(runs.flatMap((s) => (s.checkIn ? [s.checkIn] : [])));
    return runs.length ? [{ system, score: poolScores(runs.map((s) => s.score!)), ...(checkIn && { checkIn }) }] : [];
  });
  // anxin per group of datasets (tuning seeds, held-out seeds, real homes, held-out real homes).
  const groups = [...new Set(datasets.map((d) => d.group))].map((group) => {
    const of = (system: string) => datasets.filter((d) => d.group === group).flatMap((d) => d.systems.filter((s) => s.system === system && s.score));
    const runs = of('anxin');
    // The same with scripted answers (eval/systems/anxin.ts RESPONDER): issue 9 item 6.
    const ans = of('anxin-answered');
    const ref = datasets.filter((d) => d.group === group).flatMap((d) => d.systems.filter((s) => s.system === 'fixed-10L-12h' && s.score));
    return {
      group,
      datasets: datasets.filter((d) => d.group === group).map((d) => d.dataset),
      score: runs.length ? poolScores(runs.map((s) => s.score!)) : undefined,
      checkIn: poolCheckIns(runs.flatMap((s) => (s.checkIn ? [s.checkIn] : []))),
      fixed: ref.length ? poolScores(ref.map((s) => s.score!)) : undefined,
      ...(ans.length && { answered: { score: poolScores(ans.map((s) => s.score!)), checkIn: poolCheckIns(ans.flatMap((s) => (s.checkIn ? [s.checkIn] : []))) } }),
    };
  });
  const anxinFailures: { dataset: string; failed: TargetCheck[] }[] = [];
  let speed: SummaryInput['anxinSpeed'];
  for (const d of datasets) {
    const a = d.systems.find((s) => s.system === 'anxin');
    if (a?.score) anxinFailures.push({ dataset: d.dataset, failed: checkTargets(a.score).filter((t) => t.ok === false) });
    if (a?.run) {
      speed = {
        readings: (speed?.readings ?? 0) + a.run.readings,
        seconds: (speed?.seconds ?? 0) + a.run.readings / a.run.readingsPerSec,
        reported: (speed?.reported ?? true) && a.run.speedSource === 'reported',
      };
    }
  }
  return {
    datasets: datasets.length,
    householdMonths: datasets.reduce((sum, d) => sum + d.score.householdMonths, 0),
    pooled,
    groups,
    anxinFailures,
    anxinSpeed: speed,
  };
}
