// Meters the simulator does not make, from a dataset it did: replays an eval dataset's trace
// (.eval-out/<name>/trace.jsonl; run `npm run eval -- --dataset <name>` first) through the real
// replay CLI after rewriting how its meters report, and scores the alerts against the same
// labels, beside the unchanged trace. Modes:
//   on-change[:H]  a reading only when the register moved, or H hours (default 1) after the last
//                  one sent (report-on-change meters with a heartbeat)
//   loss[:P]       each reading lost with probability P (default 0.05: NB-IoT / QoS 0 loss)
//   jitter[:M]     each reading's timestamp moved by up to ±M minutes (default 2), kept in ts order;
//                  arrival unchanged (no receivedAt: the moved stamp is the arrival)
//   every:M        one reading per M minutes (the first of each M-minute slot on the clock): a
//                  meter that reads every 5, 30 or 120 minutes, from a finer one
//   batch:H        readings delivered every H hours (2–7 min after the next H-hour boundary), in order
//   step:L         the register counts in L-litre steps (default 1: whole litres; 10: a pulse meter)
//   trickle:L[:W]  L litres an hour added to every register all along (a dripping tap; default 1),
//                  its rate wandering by up to ±W of itself from hour to hour (default 0)
//   npx tsx eval/tools/retime.ts sim-15min on-change:1 loss:0.05 jitter:2
//   npx tsx eval/tools/retime.ts sim-1min every:5 every:30 every:120 every:15+batch:6
// RETIME_LIST=1 lists each false alarm other than no-usage and each miss; RETIME_LEAKS=1 (with
// it) each leak's delay and each leak alert's facts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readAlerts } from '../io.ts';
import type { DatasetLabels } from '../labels.ts';
import { scoreAlerts } from '../score.ts';

interface Line {
  meterId: string;
  ts: string;
  totalLiters: number;
  receivedAt?: string;
  [k: string]: unknown;
}

const [name = 'sim-15min', ...modes] = process.argv.slice(2);
const dir = `.eval-out/${name}`;
const labels = JSON.parse(readFileSync(`${dir}/labels.json`, 'utf8')) as DatasetLabels;
const lines = readFileSync(`${dir}/trace.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
const until = new Date(Math.max(...labels.meters.map((m) => Date.parse(m.to))) + 2 * 86_400_000).toISOString();

/** A deterministic uniform [0, 1) from a string (mulberry-style hash). */
function unit(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 15), 2246822507);
  return ((h ^ (h >>> 13)) >>> 0) / 4294967296;
}

/** Each meter's readings in event time, one per ts (the first copy in arrival order): modes that
 *  rewrite what a meter sent decide on these, then apply the verdict to every copy of a reading
 *  (re-sends and shuffled deliveries stay as they were). */
function byMeterInTsOrder(input: Line[]): Map<string, Line[]> {
  const byMeter = new Map<string, Line[]>();
  for (const l of input) {
    const ls = byMeter.get(l.meterId);
    if (ls) ls.push(l);
    else byMeter.set(l.meterId, [l]);
  }
  for (const [id, ls] of byMeter) {
    const seen = new Set<number>();
    byMeter.set(
      id,
      ls
        .sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts))
        .filter((l) => {
          const ts = Date.parse(l.ts);
          if (seen.has(ts)) return false;
          seen.add(ts);
          return true;
        }),
    );
  }
  return byMeter;
}

function transform(mode: string, input: Line[]): Line[] {
  const [kind, arg, arg2] = mode.split(':');
  if (kind === 'on-change') {
    // Decided in event time per meter, then applied to every copy: a meter re-sends (or
    // delivers out of order) only what it sent, so duplicates and shuffles stay as they were.
    const heartbeat = Number(arg ?? 1) * 3_600_000;
    const sent = new Set<string>();
    for (const [id, ls] of byMeterInTsOrder(input)) {
      let prev: { liters: number; ts: number } | undefined;
      for (const l of ls) {
        const ts = Date.parse(l.ts);
        if (prev && l.totalLiters === prev.liters && ts - prev.ts < heartbeat) continue;
        prev = { liters: l.totalLiters, ts };
        sent.add(`${id}|${ts}`);
      }
    }
    return input.filter((l) => sent.has(`${l.meterId}|${Date.parse(l.ts)}`));
  }
  if (kind === 'loss') {
    const p = Number(arg ?? 0.05);
    return input.filter((l) => unit(`${l.meterId}|${l.ts}`) >= p);
  }
  if (kind === 'jitter') {
    // Decided in event time per meter (each distinct ts moved, kept in ts order), then applied to
    // every copy: arrival order is not ts order on a meter that delivers shuffled, and a re-send
    // keeps the stamp of what it re-sends.
    const ms = Number(arg ?? 2) * 60_000;
    const moved = new Map<string, number>();
    for (const [id, ls] of byMeterInTsOrder(input)) {
      let last = -Infinity;
      for (const ts of ls.map((l) => Date.parse(l.ts))) {
        const t = Math.max(ts + Math.round((unit(`${id}|${new Date(ts).toISOString()}`) * 2 - 1) * ms), last + 1000);
        last = t;
        moved.set(`${id}|${ts}`, t);
      }
    }
    // Arrival stays what it was (a stamp moved past it reads as a clock a little fast): moving
    // arrival to a skewed meter's stamp ran the replay clock hours ahead for every meter.
    return input.map((l) => ({ ...l, ts: new Date(moved.get(`${l.meterId}|${Date.parse(l.ts)}`)!).toISOString() }));
  }
  if (kind === 'step') {
    // A register that counts in L-litre steps (a reed-switch pulse per litre or per 10 L): the
    // total floored to the step. Glitches and resets stay what they were, rounded the same way.
    const step = Number(arg ?? 1);
    return input.map((l) => ({ ...l, totalLiters: Math.floor(l.totalLiters / step) * step }));
  }
  if (kind === 'trickle') {
    // A standing trickle of L litres an hour added to every register from the meter's first
    // reading on (a dripping tap that goes on through everything, the injected incapacitations
    // too), kept at the register's own resolution: whole litres when every value was whole, 10 L
    // when every value was a multiple of 10 (a pulse register), and so on.
    const lph = Number(arg ?? 1);
    const first = new Map<string, number>();
    for (const [id, ls] of byMeterInTsOrder(input)) first.set(id, Date.parse(ls[0]!.ts));
    const STEPS = [100, 50, 20, 10, 1];
    const res = new Map<string, number>(); // meter → register step in litres (0: finer than a litre)
    for (const l of input) {
      const was = res.get(l.meterId) ?? STEPS[0]!;
      res.set(l.meterId, STEPS.find((s) => s <= was && Number.isInteger(l.totalLiters / s)) ?? 0);
    }
    // trickle:L:W — the rate wanders by up to ±W of itself from hour to hour (a real dripping tap).
    const wander = Number(arg2 ?? 0);
    const H = 3_600_000;
    const cum = new Map<string, number[]>(); // meter → litres added by the start of each hour since its first
    const addedAt = (id: string, ts: number): number => {
      const t = ts - first.get(id)!;
      if (!wander) return (lph * t) / H;
      const hour = Math.floor(t / H);
      const c = cum.get(id) ?? [0];
      cum.set(id, c);
      const rate = (h: number): number => lph * (1 + wander * (2 * unit(`${id}|drip|${h}`) - 1));
      while (c.length <= hour) c.push(c[c.length - 1]! + rate(c.length - 1));
      return c[hour]! + (rate(hour) * (t - hour * H)) / H;
    };
    return input.map((l) => {
      const added = addedAt(l.meterId, Date.parse(l.ts));
      const total = l.totalLiters + added;
      const step = res.get(l.meterId)!;
      return { ...l, totalLiters: step ? Math.floor(total / step) * step : Math.round(total * 1000) / 1000 };
    });
  }
  if (kind === 'every') {
    // Like on-change: decided in event time per meter (the first reading of each slot), then
    // every copy of a kept reading stays (re-sends and shuffles as they were).
    const slot = Number(arg ?? 5) * 60_000;
    const first = new Map<string, number>(); // meter|slot → earliest ts in it
    for (const l of input) {
      const ts = Date.parse(l.ts);
      const k = `${l.meterId}|${Math.floor(ts / slot)}`;
      if (!(first.get(k)! <= ts)) first.set(k, ts);
    }
    return input.filter((l) => first.get(`${l.meterId}|${Math.floor(Date.parse(l.ts) / slot)}`) === Date.parse(l.ts));
  }
  if (kind === 'batch') {
    const every = Number(arg ?? 6) * 3_600_000;
    return input.map((l) => {
      // 2–7 min after the boundary, per meter and delivery (an exact tie with the offline deadline is not a real meter's).
      const slot = Math.floor(Date.parse(l.receivedAt ?? l.ts) / every) + 1;
      const at = slot * every + 2 * 60_000 + Math.floor(unit(`${l.meterId}|${slot}`) * 300) * 1000;
      return { ...l, receivedAt: new Date(at).toISOString() };
    });
  }
  throw new Error(`unknown mode "${mode}": expected on-change[:H], loss[:P], jitter[:M], every:M, batch:H, step:L or trickle:L`);
}

function run(label: string, trace: Line[]): void {
  const out = `/tmp/retime-${process.env.RETIME_TAG ? `${process.env.RETIME_TAG}-` : ''}${name}-${label.replace(/[^\w.-]/g, '_')}`;
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}/trace.jsonl`, trace.map((l) => JSON.stringify(l)).join('\n') + '\n');
  // RETIME_CONFIG=detector.json: a detector config for the replay (an experiment; the default otherwise).
  const config = process.env.RETIME_CONFIG ? ['--config', process.env.RETIME_CONFIG] : [];
  const r = spawnSync('npx', ['tsx', 'src/cli/replay.ts', '--input', `${out}/trace.jsonl`, '--output', `${out}/alerts.jsonl`, '--until', until, ...config], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`replay failed: ${r.stderr}`);
  const s = scoreAlerts(labels, readAlerts(`${out}/alerts.jsonl`));
  const t = s.byType;
  const fmt = (k: keyof typeof t) => (t[k].events ? `${t[k].detected}/${t[k].events}${t[k].delay ? ` ${(t[k].delay!.mean / (k === 'surge' ? 60_000 : 3_600_000)).toFixed(1)}${k === 'surge' ? 'min' : 'h'}` : ''}` : '—');
  const fa = Object.entries(s.falseAlarms.byType).map(([k, v]) => `${k} ${(v / s.householdMonths).toFixed(2)}`).join(', ');
  if (process.env.RETIME_LIST) {
    // The false alarms other than no-usage (those are the margin trade-off, eval/README.md), and the misses.
    for (const f of s.falseAlarmList.filter((x) => x.alert.type !== 'no-usage')) console.log(`  false ${f.alert.type} ${f.alert.meterId} ${f.alert.openedAt} (${f.normal})`);
    for (const o of s.outcomes.filter((x) => x.delayMs === undefined)) console.log(`  missed ${o.event.type} ${o.event.meterId} from ${o.event.start}`);
    if (process.env.RETIME_LEAKS) {
      // Each leak's delay, and what every leak alert said of its flow (the rate it never fell below).
      for (const o of s.outcomes.filter((x) => x.event.type === 'leak')) console.log(`  leak ${o.event.meterId} from ${o.event.start}: ${o.delayMs === undefined ? 'missed' : `${(o.delayMs / 3_600_000).toFixed(1)} h`}`);
      for (const line of readFileSync(`${out}/alerts.jsonl`, 'utf8').split('\n')) {
        if (!line.includes('"type":"leak"') || !line.includes('"change":"opened"')) continue;
        const a = JSON.parse(line) as { meterId: string; openedAt: string; facts?: unknown };
        console.log(`  leak alert ${a.meterId} ${a.openedAt} ${JSON.stringify(a.facts)}`);
      }
    }
  }
  console.log(`${label.padEnd(18)} ${String(trace.length).padStart(9)} readings  NU ${fmt('no-usage')}  SU ${fmt('surge')}  LK ${fmt('leak')}  OFF ${fmt('offline')}  FA ${s.falseAlarms.perHouseholdMonth?.toFixed(2)} /hh-month (${fa || 'none'})`);
}

console.log(`${name}: ${labels.meters.length} meters, mean delays (surge in minutes), false alarms per household-month outside absences`);
run('as recorded', lines);
// Modes joined by '+' apply in turn (every:15+batch:6: 15-minute readings delivered every 6 h).
for (const mode of modes) run(mode, mode.split('+').reduce((ls, m) => transform(m, ls), lines));
