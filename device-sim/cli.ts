// `npm run sim -- <command>`: labelled datasets, a live fleet, trace replay, real-data fixtures.
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { convertRealDataset, REAL_DATASETS } from './convert-real.ts';
import { generateDataset } from './dataset.ts';
import { parseMetersFile, parseScenarioArg } from './fleet-config.ts';
import { isCadence, type Cadence } from './meter.ts';
import { startFleet } from './mqtt-fleet.ts';
import { publishTrace } from './publish-trace.ts';
import { makeMetersFile } from './meters-file.ts';
import { SCENARIOS, type EventScenarioName, type FaultScenarioName } from './scenarios.ts';
import { parseDuration, toEpochMs } from './sim-time.ts';
import { parseJsonl, type SimTraceLine } from './trace.ts';

const HELP = `Anxin device simulator

  npm run sim -- generate --households N --days D --seed S --out trace.jsonl --labels labels.json
      [--cadence 1min|5min|15min|hourly-batch|mix]  (default mix: 30% 1min, 40% 15min, 30% hourly-batch)
      [--start 2026-01-05]                      first day, local China midnight (default 2026-01-05)
      [--learning-days 14]                      no scenario before this day
      [--clean-share 0.3]                       share of households with no scenario at all
      [--fault-share 0.5]                       share of the others that also get a data fault
      [--events a,b,...] [--faults a,b,...]     scenario names to deal out (default: all)
      [--name NAME]
    Writes a JSONL trace in arrival order and its ground-truth labels (eval/labels.ts).

  npm run sim -- drill [--duration 240] [--speed 1200] [--history-days 21]
    The notification drill (演练) on the simulated clock: the service with an in-memory store,
    weeks of routine learned first, then one incapacitation walked through the whole ladder —
    check-in unanswered, grid worker, family, acknowledged by the signed link, all-clear when
    water use resumes — printed as it happens (the same run as \`npm run demo\`, bounded).

  npm run sim -- run --url mqtt://localhost:1883 --meters meters.json
      [--speed 60]                 simulated seconds per wall second
      [--start ISO]                simulated start (default: now)
      [--history-days 0]           days of history sent at start as batches, to learn a routine
      [--cadence mix]              cadence of meters that do not name one
      [--scenario NAME@METER@WHEN[@DURATION]]...   e.g. incapacitation@m-001@+2h, burst-pipe@m-002@+1d@6h
      [--bad-payloads] [--bad-payload-rate 0.01]   also send malformed messages
      [--duplicates] [--duplicate-rate 0.05]       re-send some reports unchanged
      [--for DURATION]             stop after this much simulated time (default: until Ctrl-C)
      [--labels out.json]          write the ground truth of the run when it stops
      [--seed 1] [--stats-every 10]
    One MQTT connection per meter (username meterId, password token), QoS 1.
    meters.json: [{"meterId": "m-001", "token": "…", "profile"?: archetype, "cadence"?: cadence}]

  npm run sim -- publish --url mqtt://localhost:1883 --meters meters.json --trace trace.jsonl [--speed 3600|max]
    Replays a trace; lines of one meter sharing a receivedAt go out as one /batch message.

  npm run sim -- meters --count N --out meters.json [--prefix m-] [--cadence mix]
    Writes a meters file with fresh random tokens (register the same file with the service).

  npm run sim -- convert-real [--data ../shared/data] [--out tests/fixtures/real]
    Converts the real datasets to traces + labels.

Scenarios: ${SCENARIOS.join(', ')}
Archetypes: early-bird, late-riser, irregular, frequent-bather, couple
`;

type Flags = Record<string, string | boolean | string[] | undefined>;

function need(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`expected --${name}`);
  return v;
}

function num(flags: Flags, name: string, fallback: number): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n)) throw new UsageError(`expected --${name} to be a number, got "${String(v)}"`);
  return n;
}

function list<T extends string>(flags: Flags, name: string): T[] | undefined {
  const v = flags[name];
  return typeof v === 'string' ? (v.split(',').filter(Boolean) as T[]) : undefined;
}

class UsageError extends Error {}

/** --start as epoch ms: a bad date is the caller's mistake, said as such (see --help). */
function instant(flags: Flags, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  try {
    return toEpochMs(String(v));
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

function writeJsonl(path: string, lines: readonly SimTraceLine[]): void {
  // Chunked: a large trace does not fit in one JS string.
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < lines.length; i += 10_000) {
      writeSync(fd, lines.slice(i, i + 10_000).map((l) => `${JSON.stringify(l)}\n`).join(''));
    }
  } finally {
    closeSync(fd);
  }
}

const log = (msg: string, fields: Record<string, unknown> = {}) => console.error(JSON.stringify({ msg, ...fields }));

async function generate(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: {
    households: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
    labels: { type: 'string' }, cadence: { type: 'string' }, start: { type: 'string' }, 'learning-days': { type: 'string' },
    'clean-share': { type: 'string' }, 'fault-share': { type: 'string' }, events: { type: 'string' }, faults: { type: 'string' }, name: { type: 'string' },
  } });
  const cadence = (f.cadence as string | undefined) ?? 'mix';
  if (cadence !== 'mix' && !isCadence(cadence)) throw new UsageError(`expected --cadence 1min|5min|15min|hourly-batch|mix, got "${cadence}"`);
  const ds = generateDataset({
    seed: num(f, 'seed', 1), households: num(f, 'households', 10), days: num(f, 'days', 30), start: instant(f, 'start') ?? '2026-01-05',
    cadenceMix: cadence as Cadence | 'mix', name: f.name as string | undefined,
    scenarioPlan: {
      learningDays: num(f, 'learning-days', 14), cleanShare: num(f, 'clean-share', 0.3), faultShare: num(f, 'fault-share', 0.5),
      events: list<EventScenarioName>(f, 'events'), faults: list<FaultScenarioName>(f, 'faults'),
    },
  });
  writeJsonl(need(f, 'out'), ds.lines);
  writeFileSync(need(f, 'labels'), `${JSON.stringify(ds.labels, null, 2)}\n`);
  if (ds.skipped.length > 0) log('scenarios skipped: no room in the span (add days?)', { skipped: ds.skipped });
  log('dataset written', { lines: ds.lines.length, meters: ds.labels.meters.length, events: ds.labels.events.length, normals: ds.labels.normals.length });
}

async function run(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: {
    url: { type: 'string' }, meters: { type: 'string' }, speed: { type: 'string' }, start: { type: 'string' }, seed: { type: 'string' },
    'history-days': { type: 'string' }, cadence: { type: 'string' }, scenario: { type: 'string', multiple: true },
    'bad-payloads': { type: 'boolean' }, 'bad-payload-rate': { type: 'string' }, duplicates: { type: 'boolean' }, 'duplicate-rate': { type: 'string' },
    for: { type: 'string' }, labels: { type: 'string' }, 'stats-every': { type: 'string' },
  } });
  const startAt = instant(f, 'start') ?? Math.floor(Date.now() / 1000) * 1000;
  const cadence = (f.cadence ?? 'mix') as Cadence | 'mix';
  if (cadence !== 'mix' && !isCadence(cadence)) throw new UsageError(`expected --cadence 1min|5min|15min|hourly-batch|mix, got "${cadence}"`);
  const fleet = await startFleet({
    url: need(f, 'url'), meters: parseMetersFile(readFileSync(need(f, 'meters'), 'utf8')), speed: num(f, 'speed', 60), startAt,
    seed: num(f, 'seed', 1), historyDays: num(f, 'history-days', 0), defaultCadence: cadence,
    scenarios: (f.scenario ?? []).map((s) => parseScenarioArg(s, startAt)),
    badPayloadRate: f['bad-payloads'] ? num(f, 'bad-payload-rate', 0.01) : 0,
    duplicateRate: f.duplicates ? num(f, 'duplicate-rate', 0.05) : 0,
    onError: (meterId, err) => log('mqtt error', { meterId, err: err.message }),
  });
  log('fleet started', { ...fleet.stats() });
  const until = f.for ? startAt + parseDuration(f.for) : Infinity;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      log('fleet stats', { ...fleet.stats() });
      if (fleet.simNow() >= until) resolve();
    }, num(f, 'stats-every', 10) * 1000);
    const finish = () => (clearInterval(timer), resolve());
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
  await fleet.stop();
  if (f.labels) writeFileSync(f.labels, `${JSON.stringify(fleet.labels(), null, 2)}\n`);
  log('fleet stopped', { ...fleet.stats() });
}

async function publish(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { url: { type: 'string' }, meters: { type: 'string' }, trace: { type: 'string' }, speed: { type: 'string' } } });
  const speed = f.speed === 'max' ? 'max' : num(f, 'speed', 3600);
  const pub = await publishTrace({
    url: need(f, 'url'), meters: parseMetersFile(readFileSync(need(f, 'meters'), 'utf8')), lines: parseJsonl(readFileSync(need(f, 'trace'), 'utf8')), speed,
    onError: (meterId, err) => log('mqtt error', { meterId, err: err.message }),
  });
  const stop = () => void pub.stop();
  process.once('SIGINT', stop);
  log('trace published', { ...(await pub.done) });
}

async function meters(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { count: { type: 'string' }, out: { type: 'string' }, prefix: { type: 'string' }, cadence: { type: 'string' } } });
  const cadence = f.cadence;
  if (cadence !== undefined && cadence !== 'mix' && !isCadence(cadence)) throw new UsageError(`expected --cadence 1min|5min|15min|hourly-batch|mix, got "${cadence}"`);
  const file = makeMetersFile(num(f, 'count', 10), f.prefix ?? 'm-', cadence as Cadence | 'mix' | undefined);
  writeFileSync(need(f, 'out'), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  log('meters file written', { meters: file.length });
}

async function convertReal(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({ args: argv, options: { data: { type: 'string' }, out: { type: 'string' } } });
  const out = f.out ?? 'tests/fixtures/real';
  mkdirSync(out, { recursive: true });
  for (const def of REAL_DATASETS) {
    const { lines, labels } = convertRealDataset(def, readFileSync(join(f.data ?? '../shared/data', def.file), 'utf8'));
    writeJsonl(join(out, `${def.name}.trace.jsonl`), lines);
    writeFileSync(join(out, `${def.name}.labels.json`), `${JSON.stringify(labels, null, 2)}\n`);
    log('real dataset converted', { name: def.name, lines: lines.length, events: labels.events.length, normals: labels.normals.length });
  }
}

/** The drill is the demo's ladder walk-through, bounded in time (device-sim/demo.ts owns it). */
async function drill(argv: string[]): Promise<void> {
  const args = argv.includes('--duration') ? argv : ['--duration', '240', ...argv];
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./demo.ts', import.meta.url)), ...args], { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`the drill exited with code ${code}`);
}

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = { generate, run, publish, meters, 'convert-real': convertReal, drill };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
    process.stdout.write(HELP);
    return command ? 0 : 1;
  }
  const handler = COMMANDS[command];
  if (!handler) throw new UsageError(`expected a command (${Object.keys(COMMANDS).join(', ')}), got "${command}"`);
  await handler(rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    // Stack traces only on request: most failures here are bad arguments or files.
    console.error(process.env.DEBUG ? err : `error: ${err.message}${err instanceof UsageError ? '\n(see --help)' : ''}`);
    process.exit(2);
  },
);
