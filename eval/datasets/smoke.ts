// "smoke": a tiny hand-scripted labelled dataset built into the harness (3 meters × 12 days),
// so the pipeline can be run end to end without the simulator. Not a benchmark: a person who
// washes, cooks and flushes at the same times every day, and one of each kind of event.
//   m-smoke-1: 15-min; a trip (normal), then incapacitation on day 9 from 08:00 to 20:00.
//   m-smoke-2: 15-min; a register glitch (+50,000 L for one reading) on day 6, a tap left
//              running 8 L/min on day 8 14:00–17:00.
//   m-smoke-3: hourly batch of 15-min readings; offline day 7 10:00–16:00, a 0.3 L/min leak
//              from day 10 00:00 to the end.
import type { DatasetLabels, LabelledEvent, LabelledNormal } from '../labels.ts';
import { DAY, HOUR, iso, MINUTE, type TraceLine } from '../trace.ts';
import type { Dataset, DatasetSpec } from './dataset.ts';

const DAYS = 12;
/** Local (UTC+8) midnight of 2026-01-05. */
const T0 = Date.parse('2026-01-05T00:00:00+08:00');
const at = (day: number, h: number, m = 0): number => T0 + day * DAY + h * HOUR + m * MINUTE;

/** Daily routine, local minutes after midnight → L/min, with a per-day shift of up to ±20 min. */
const ROUTINE: { from: number; minutes: number; lpm: number }[] = [
  { from: 6 * 60 + 30, minutes: 10, lpm: 6 },
  { from: 12 * 60, minutes: 5, lpm: 5 },
  { from: 18 * 60 + 30, minutes: 10, lpm: 4 },
  { from: 21 * 60, minutes: 3, lpm: 6 },
];
const shift = (meter: number, day: number): number => (((meter * 7 + day * 13) % 9) - 4) * 5;

interface Script {
  meterId: string;
  cadence: '15min' | 'hourly-batch';
  /** Periods with no use at all (trip, incapacitation). */
  silent: [number, number][];
  extraLpm: (t: number) => number;
  offline?: [number, number];
  glitchAt?: number;
}

const SCRIPTS: Script[] = [
  { meterId: 'm-smoke-1', cadence: '15min', silent: [[at(4, 9), at(5, 18)], [at(9, 8), at(9, 20)]], extraLpm: () => 0 },
  {
    meterId: 'm-smoke-2',
    cadence: '15min',
    silent: [],
    extraLpm: (t) => (t >= at(8, 14) && t < at(8, 17) ? 8 : 0),
    glitchAt: at(6, 3),
  },
  {
    meterId: 'm-smoke-3',
    cadence: 'hourly-batch',
    silent: [],
    extraLpm: (t) => (t >= at(10, 0) ? 0.3 : 0),
    offline: [at(7, 10), at(7, 16)],
  },
];

function routineLpm(meter: number, t: number): number {
  const day = Math.floor((t - T0) / DAY);
  const minute = (t - T0 - day * DAY) / MINUTE;
  const r = ROUTINE.find((u) => minute >= u.from + shift(meter, day) && minute < u.from + shift(meter, day) + u.minutes);
  return r?.lpm ?? 0;
}

function meterLines(s: Script, meter: number): TraceLine[] {
  const lines: TraceLine[] = [];
  let total = 1000 * (meter + 1);
  for (let t = T0; t <= T0 + DAYS * DAY; t += MINUTE) {
    if (t > T0) {
      const silent = s.silent.some(([a, b]) => t > a && t <= b);
      total += (silent ? 0 : routineLpm(meter, t - MINUTE)) + s.extraLpm(t - MINUTE);
    }
    if ((t - T0) % (15 * MINUTE) !== 0) continue;
    if (s.offline && t >= s.offline[0] && t < s.offline[1]) continue;
    const line: TraceLine = { meterId: s.meterId, ts: iso(t), totalLiters: Math.round((t === s.glitchAt ? total + 50_000 : total) * 10) / 10 };
    if (s.cadence === 'hourly-batch') line.receivedAt = iso(Math.ceil((t + 1) / HOUR) * HOUR + 2 * MINUTE);
    lines.push(line);
  }
  return lines;
}

const ev = (meterId: string, type: LabelledEvent['type'], scenario: string, start: number, end: number, alsoAccept?: LabelledEvent['type'][]): LabelledEvent => ({
  meterId, type, scenario, start: iso(start), end: iso(end), ...(alsoAccept ? { alsoAccept } : {}),
});

export function buildSmokeDataset(): Dataset {
  const lines = SCRIPTS.flatMap(meterLines);
  const arrival = (l: TraceLine): number => Date.parse(String(l.receivedAt ?? l.ts));
  lines.sort((a, b) => arrival(a) - arrival(b));
  const events: LabelledEvent[] = [
    ev('m-smoke-1', 'no-usage', 'incapacitation', at(9, 8), at(9, 20)),
    ev('m-smoke-2', 'data-fault', 'glitch-jump', at(6, 3), at(6, 3, 15)),
    ev('m-smoke-2', 'surge', 'tap-left-running', at(8, 14), at(8, 17), ['leak']),
    // A batch meter's first missed report is the batch that should have arrived at 11:02.
    ev('m-smoke-3', 'offline', 'meter-silent', at(7, 11, 2), at(7, 17, 2)),
    ev('m-smoke-3', 'leak', 'toilet-leak', at(10, 0), at(DAYS, 0)),
  ];
  const normals: LabelledNormal[] = [{ meterId: 'm-smoke-1', what: 'trip', start: iso(at(4, 9)), end: iso(at(5, 18)) }];
  const labels: DatasetLabels = {
    name: 'smoke',
    meters: SCRIPTS.map((s) => ({ meterId: s.meterId, cadence: s.cadence, from: iso(T0), to: iso(T0 + DAYS * DAY) })),
    events,
    normals,
  };
  return { name: 'smoke', lines, labels };
}

export const smokeSpec: DatasetSpec = {
  name: 'smoke',
  about: 'built-in hand-scripted check, 3 meters × 12 days (not a benchmark)',
  build: async () => buildSmokeDataset(),
};
