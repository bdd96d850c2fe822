// `npm run eval`: scores Anxin (through the replay CLI) and three reference rules on simulator
// and real datasets, prints one table per dataset and a pooled summary against the targets.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseEvalArgs, USAGE, type EvalArgs } from './args.ts';
import { allSpecs, defaultSpecs, smokeSpec, type DatasetSpec } from './datasets/index.ts';
import { SIM_MODULE } from './datasets/sim.ts';
import { evaluate, type EvalResults } from './evaluate.ts';
import { writeJson } from './io.ts';
import type { Score } from './score.ts';
import { anxinSystem, PROJECT_ROOT } from './systems/anxin.ts';
import { referenceSystems } from './systems/reference.ts';
import type { System } from './systems/system.ts';
import { checkTargets } from './targets.ts';
import { formatDatasetBlock, formatSummary, LEGEND } from './table.ts';

const say = (s: string): void => void process.stdout.write(s + '\n');
const note = (s: string): void => void process.stderr.write(s + '\n');

function select<T extends { name: string }>(all: T[], names: string[], what: string): T[] {
  if (names.length === 0) return all;
  const unknown = names.filter((n) => !all.some((x) => x.name === n));
  if (unknown.length) throw new Error(`unknown ${what} ${unknown.join(', ')}: expected one of ${all.map((x) => x.name).join(', ')}`);
  return all.filter((x) => names.includes(x.name));
}

function chooseSpecs(args: EvalArgs): DatasetSpec[] {
  if (args.datasets.length) return select(allSpecs(args.quick), args.datasets, 'dataset');
  const specs = defaultSpecs(args.quick);
  if (existsSync(SIM_MODULE)) return specs;
  note('simulator not available (device-sim/dataset.ts missing): simulator datasets are skipped; adding the built-in "smoke" dataset');
  return [...specs, smokeSpec];
}

/** --check: anxin must have been scored and must miss no target. */
function checkFailed(r: EvalResults): boolean {
  const anxin = r.summary.pooled.find((p) => p.system === 'anxin');
  return !anxin || checkTargets(anxin.score).some((t) => t.ok === false);
}

async function main(): Promise<number> {
  let args: EvalArgs;
  try {
    args = parseEvalArgs(process.argv.slice(2));
  } catch (err) {
    note(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    say(USAGE);
    return 0;
  }
  const cfgFile = args.detectorConfig && (isAbsolute(args.detectorConfig) ? args.detectorConfig : join(process.env.INIT_CWD ?? process.cwd(), args.detectorConfig));
  const systems: System[] = [anxinSystem(PROJECT_ROOT, cfgFile), anxinSystem(PROJECT_ROOT, cfgFile, true, args.replyRate), ...referenceSystems()];
  let specs: DatasetSpec[];
  let chosen: System[];
  try {
    specs = chooseSpecs(args);
    chosen = select(systems, args.systems, 'system');
  } catch (err) {
    note((err as Error).message);
    return 2;
  }
  const outDir = isAbsolute(args.out) ? args.out : join(PROJECT_ROOT, args.out);
  const started = Date.now();
  const results = await evaluate({
    specs,
    systems: chosen,
    outDir,
    onProgress: note,
    onSkip: (name, why) => say(`━━ ${name} — skipped: ${why}\n`),
    onDataset: (r) => say(formatDatasetBlock(r) + '\n'),
  });
  if (results.datasets.length) say(LEGEND + '\n');
  say(formatSummary({ ...results.summary, replyRate: args.replyRate }));
  note(`eval finished in ${((Date.now() - started) / 1000).toFixed(1)} s; traces, labels and alerts in ${outDir}`);
  if (args.json) {
    const path = isAbsolute(args.json) ? args.json : join(process.env.INIT_CWD ?? process.cwd(), args.json);
    // False alarms are kept as counts only: the alerts themselves are in the .eval-out files.
    const slim = ({ falseAlarmList: _, ...score }: Score) => score;
    const datasets = results.datasets.map((d) => ({ ...d, systems: d.systems.map((s) => (s.score ? { ...s, score: slim(s.score) } : s)) }));
    const pooled = results.summary.pooled.map(({ system, score }) => ({ system, targets: checkTargets(score), score: slim(score) }));
    writeJson(path, { generatedAt: new Date().toISOString(), quick: args.quick, outDir, datasets, skipped: results.skipped, pooled });
    note(`results written to ${path}`);
  }
  return args.check && checkFailed(results) ? 1 : 0;
}

process.exitCode = await main();
