// Real meter data (shared/data, see its README) as traces and labels, so the detector is
// tested on households nobody here simulated.
import type { DatasetLabels, LabelledEvent, LabelledNormal } from '../eval/labels.ts';
import { HOUR, iso, MINUTE } from './sim-time.ts';
import type { SimTraceLine } from './trace.ts';
import { zonedCandidates, zonedToUtc } from './zoned-time.ts';

export type RealDataKind = 'daiad' | 'ciws';

interface Format {
  timeZone: string;
  valueColumn: string;
  intervalMs: number;
  cadence: 'hourly' | '1min';
}

const FORMATS: Record<RealDataKind, Format> = {
  daiad: { timeZone: 'Europe/Madrid', valueColumn: 'meter_reading_L', intervalMs: HOUR, cadence: 'hourly' },
  ciws: { timeZone: 'America/Denver', valueColumn: 'cumulative_litres', intervalMs: MINUTE, cadence: '1min' },
};

export function convertCsvToTrace(kind: RealDataKind, csvText: string, meterId: string): SimTraceLine[] {
  const fmt = FORMATS[kind];
  const rows = csvText.split(/\r?\n/).filter((r) => r.trim() !== '');
  const header = (rows.shift() ?? '').split(',');
  const tsCol = header.indexOf('timestamp_local');
  const valueCol = header.indexOf(fmt.valueColumn);
  if (tsCol < 0 || valueCol < 0) throw new TypeError(`${kind} CSV: expected columns timestamp_local and ${fmt.valueColumn}, got ${header.join(',')}`);
  const out: SimTraceLine[] = [];
  let prev: number | undefined;
  rows.forEach((row, i) => {
    const cells = row.split(',');
    const totalLiters = Number(cells[valueCol]);
    if (!Number.isFinite(totalLiters)) throw new TypeError(`${kind} CSV row ${i + 2}: expected a number of litres, got "${cells[valueCol]}"`);
    const ts = pickInstant(cells[tsCol] ?? '', fmt, prev);
    out.push({ meterId, ts: iso(ts), totalLiters });
    prev = ts;
  });
  return out;
}

/**
 * In the hour repeated when DST ends a wall time means two instants. The meter reports on a
 * schedule, so take the one that keeps time moving forward by the interval closest to normal.
 */
function pickInstant(wall: string, fmt: Format, prev: number | undefined): number {
  const candidates = zonedCandidates(wall, fmt.timeZone);
  if (candidates.length === 0) return zonedToUtc(wall, fmt.timeZone);
  if (prev === undefined || candidates.length === 1) return candidates[0] as number;
  const forward = candidates.filter((c) => c >= prev);
  if (forward.length === 0) return candidates.at(-1) as number;
  return forward.reduce((best, c) => (Math.abs(c - prev - fmt.intervalMs) < Math.abs(best - prev - fmt.intervalMs) ? c : best));
}

/**
 * Meter-silent periods: every gap of at least `minIntervals` expected intervals (5 min of
 * clock drift allowed) is an 'offline' event from the first missed report until the meter is back.
 */
export function offlineGaps(lines: readonly SimTraceLine[], intervalMs: number, minIntervals = 3): LabelledEvent[] {
  const out: LabelledEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = Date.parse((lines[i - 1] as SimTraceLine).ts);
    const b = Date.parse((lines[i] as SimTraceLine).ts);
    if (b - a >= minIntervals * intervalMs - Math.min(5 * MINUTE, intervalMs / 2)) {
      out.push({ meterId: (lines[i] as SimTraceLine).meterId, type: 'offline', scenario: 'transmission-gap', start: iso(a + intervalMs), end: iso(b) });
    }
  }
  return out;
}

export interface RealDataset {
  name: string;
  kind: RealDataKind;
  /** Path under shared/data. */
  file: string;
  meterId: string;
  /** The known facts of this file (README of shared/data), as labels. */
  facts(lines: readonly SimTraceLine[], local: (wall: string) => number): { events: LabelledEvent[]; normals: LabelledNormal[] };
}

export const REAL_DATASETS: readonly RealDataset[] = [
  {
    name: 'daiad-alicante-1person',
    kind: 'daiad',
    file: 'daiad/alicante-1person-age52-hourly.csv',
    meterId: 'daiad-1p',
    facts: (_lines, local) => ({
      // Another meter's readings interleaved: ±248,000 L jumps. Bad data, not a surge.
      events: [{ meterId: 'daiad-1p', type: 'data-fault', scenario: 'glitch-jump', start: iso(local('2017-01-17 12:34:08')), end: iso(local('2017-01-17 15:37:03')) }],
      normals: [],
    }),
  },
  {
    name: 'daiad-alicante-2person',
    kind: 'daiad',
    file: 'daiad/alicante-2person-age71-hourly.csv',
    meterId: 'daiad-2p',
    facts: (lines, local) => {
      // Christmas away: no use from 11:47 until the first reading that shows use again.
      const start = local('2016-12-23 11:47:50');
      const at = lines.find((l) => Date.parse(l.ts) >= start) as SimTraceLine;
      const back = lines.find((l) => Date.parse(l.ts) > start && l.totalLiters > at.totalLiters) as SimTraceLine;
      return { events: [], normals: [{ meterId: 'daiad-2p', what: 'absence: away for Christmas', start: iso(start), end: back.ts }] };
    },
  },
  {
    name: 'ciws-utah-site019',
    kind: 'ciws',
    file: 'ciws/utah-site019-1min.csv',
    meterId: 'ciws-019',
    facts: (_lines, local) => ({
      events: [],
      // 1,514 L with lawn irrigation (peak ~46 L/min): heavy but normal.
      normals: [{ meterId: 'ciws-019', what: 'irrigation day', start: iso(local('2019-10-08 00:00:00')), end: iso(local('2019-10-09 00:00:00')) }],
    }),
  },
];

export function convertRealDataset(def: RealDataset, csvText: string): { lines: SimTraceLine[]; labels: DatasetLabels } {
  const fmt = FORMATS[def.kind];
  const lines = convertCsvToTrace(def.kind, csvText, def.meterId);
  if (lines.length === 0) throw new RangeError(`${def.file}: expected readings, got none`);
  const facts = def.facts(lines, (wall) => zonedToUtc(wall, fmt.timeZone));
  const events = [...facts.events, ...offlineGaps(lines, fmt.intervalMs)].sort((a, b) => a.start.localeCompare(b.start));
  const first = (lines[0] as SimTraceLine).ts;
  const last = Date.parse((lines.at(-1) as SimTraceLine).ts);
  return {
    lines,
    labels: {
      name: def.name,
      meters: [{ meterId: def.meterId, cadence: fmt.cadence, from: first, to: iso(last + fmt.intervalMs), profile: `real:${def.kind}` }],
      events,
      normals: facts.normals,
    },
  };
}
