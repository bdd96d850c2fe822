// The 17 real DAIAD homes (shared/data/daiad/households, see its README) as one labelled trace
// each, with incapacitations injected: at a moment the home had just used water, the register
// stops for 36 h (the meter keeps reporting) and then carries on without the water that would
// have been used. Never inside a real absence or a transmission gap, never in the first four
// weeks (the detector learns first), at least two weeks apart. Real absences (20 h or more
// without use) and transmission gaps are labelled as found, so an alert there is judged fairly.
import type { DatasetLabels, LabelledEvent, LabelledNormal } from '../eval/labels.ts';
import { convertCsvToTrace, offlineGaps } from './convert-real.ts';
import { hashSeed, Rng } from './rng.ts';
import { DAY, HOUR, iso } from './sim-time.ts';
import type { SimTraceLine } from './trace.ts';

export const STOP_MS = 36 * HOUR;
/** No use for this long is a long silence: no incapacitation is injected near one. */
export const ABSENCE_MS = 20 * HOUR;
/** …and from this long it is an unannounced multi-day absence (a trip), whose one no-usage alert
 *  the eval reports on a line of its own. A shorter one (an evening out and a late morning, a
 *  night at the daughter's) is labelled "long silence" and its alerts are false alarms. */
export const MULTI_DAY_MS = 48 * HOUR;
const LEARN_MS = 28 * DAY;
const SPACING_MS = 14 * DAY;
/** Around an injection: no absence or gap this close before it or after the stop. */
const CLEAR_MS = DAY;

export interface RealHome {
  key: string;
  people: number;
  age: number;
  file: string;
}

/** households.csv → the homes in the households folder (the two Alicante files above it are left out: they have their own datasets). */
export function parseHouseholds(csv: string): RealHome[] {
  const rows = csv.split(/\r?\n/).filter((r) => r.trim());
  const header = (rows.shift() ?? '').split(',');
  const col = (n: string) => header.indexOf(n);
  if (col('file') < 0 || col('people') < 0 || col('age') < 0) throw new TypeError(`households.csv: expected columns file,people,age, got ${header.join(',')}`);
  return rows
    .map((r) => r.split(','))
    .filter((c) => !c[col('file')]!.startsWith('../'))
    .map((c) => ({ key: c[col('file')]!.split('-')[0]!, people: Number(c[col('people')]), age: Number(c[col('age')]), file: c[col('file')]! }));
}

interface Injected {
  lines: SimTraceLine[];
  events: LabelledEvent[];
  normals: LabelledNormal[];
}

/** Long silences and absences found in the data: runs of at least ABSENCE_MS with no use (gaps included). */
export function findAbsences(lines: readonly SimTraceLine[], meterId: string): LabelledNormal[] {
  const out: LabelledNormal[] = [];
  let lastUse = lines.length ? Date.parse(lines[0]!.ts) : 0;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.totalLiters - lines[i - 1]!.totalLiters < 1) continue;
    const t = Date.parse(lines[i - 1]!.ts); // the silence ended at the latest in this interval
    if (t - lastUse >= ABSENCE_MS) {
      const h = Math.round((t - lastUse) / HOUR);
      const what = t - lastUse >= MULTI_DAY_MS ? `absence: no use for ${h} h (real, unannounced)` : `long silence: no use for ${h} h (real)`;
      out.push({ meterId, what, start: iso(lastUse), end: iso(Date.parse(lines[i]!.ts)) });
    }
    lastUse = Date.parse(lines[i]!.ts);
  }
  return out;
}

export function injectIncapacitations(lines: readonly SimTraceLine[], meterId: string, seed: number): Injected {
  const ts = lines.map((l) => Date.parse(l.ts));
  const total = lines.map((l) => l.totalLiters);
  const absences = findAbsences(lines, meterId);
  const gaps = offlineGaps(lines, HOUR);
  // An absence nearby would make the "incapacitation" part of a trip; a transmission gap inside
  // the stop would make it an outage (the detector rightly raises offline, not no-usage).
  const blocked = [
    ...absences.map((x) => ({ from: Date.parse(x.start) - CLEAR_MS, to: Date.parse(x.end) + CLEAR_MS })),
    ...gaps.map((x) => ({ from: Date.parse(x.start) - 2 * HOUR, to: Date.parse(x.end) + 2 * HOUR })),
  ];
  const rng = new Rng(hashSeed('inject', seed));
  const events: LabelledEvent[] = [];
  let next = ts[0]! + LEARN_MS;
  const out = lines.map((l) => ({ ...l }));
  let i = 1;
  while (i < ts.length) {
    // Candidates: the next readings showing use, from `next` on; pick one of the first day's at random.
    const day: number[] = [];
    for (let j = i; j < ts.length && ts[j]! < next + DAY; j++) if (ts[j]! >= next && total[j]! - total[j - 1]! >= 1) day.push(j);
    const ok = day.filter((j) => !blocked.some((b) => ts[j]! + STOP_MS > b.from && ts[j]! < b.to) && ts[j]! + STOP_MS + DAY < ts.at(-1)!);
    if (!day.length || !ok.length) {
      next += DAY;
      if (next > ts.at(-1)!) break;
      i = Math.max(i, ts.findIndex((t) => t >= next));
      if (i < 0) break;
      continue;
    }
    const k = ok[rng.int(0, ok.length - 1)]!;
    const start = ts[k]!;
    const end = start + STOP_MS;
    let last = k;
    while (last + 1 < ts.length && ts[last + 1]! <= end) last++;
    const used = out[last]!.totalLiters - out[k]!.totalLiters;
    for (let j = k + 1; j <= last; j++) out[j]!.totalLiters = out[k]!.totalLiters;
    for (let j = last + 1; j < out.length; j++) out[j]!.totalLiters -= used;
    events.push({ meterId, type: 'no-usage', scenario: 'incapacitation (injected: register stopped 36 h)', start: iso(start), end: iso(end) });
    next = end + SPACING_MS;
    i = last + 1;
  }
  return { lines: out, events, normals: absences };
}

/** One home's CSV → its labelled trace with injected incapacitations. */
export function convertRealHome(home: RealHome, csv: string): { lines: SimTraceLine[]; labels: DatasetLabels } {
  const meterId = `daiad-${home.key}`;
  const raw = convertCsvToTrace('daiad', csv, meterId);
  if (!raw.length) throw new RangeError(`${home.file}: expected readings, got none`);
  const inj = injectIncapacitations(raw, meterId, hashSeed(home.key));
  const last = Date.parse(raw.at(-1)!.ts);
  return {
    lines: inj.lines,
    labels: {
      name: meterId,
      meters: [{ meterId, cadence: 'hourly', from: raw[0]!.ts, to: iso(last + HOUR), profile: `real:daiad ${home.people} person(s), age ${home.age}` }],
      events: [...inj.events, ...offlineGaps(inj.lines, HOUR)].sort((a, b) => a.start.localeCompare(b.start)),
      normals: inj.normals,
    },
  };
}
