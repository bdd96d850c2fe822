import { describe, expect, it } from 'vitest';
import { TraceLine } from '../../src/domain/trace.ts';
import { generateDataset, type Dataset } from '../../device-sim/dataset.ts';
import { SAFETY_SCENARIOS, EQUIPMENT_SCENARIOS } from '../../device-sim/scenarios.ts';
import { arrivalOf, type SimTraceLine } from '../../device-sim/trace.ts';
import { DAY, MINUTE } from './helpers.ts';

const DAYS = 30;
const ds: Dataset = generateDataset({ seed: 5, households: 12, days: DAYS, start: '2026-01-05' });
const from = Date.parse('2026-01-04T16:00:00Z'); // local China midnight of 5 Jan

function byMeter(lines: readonly SimTraceLine[]): Map<string, SimTraceLine[]> {
  const out = new Map<string, SimTraceLine[]>();
  for (const l of lines) {
    const list = out.get(l.meterId);
    if (list) list.push(l);
    else out.set(l.meterId, [l]);
  }
  return out;
}
const meters = byMeter(ds.lines);

describe('generateDataset', () => {
  it('is deterministic: same seed, same trace and labels; another seed, another trace', () => {
    const opts = { seed: 9, households: 6, days: 20, start: '2026-03-01', scenarioPlan: { learningDays: 10 } };
    const a = generateDataset(opts);
    expect(generateDataset(opts)).toEqual(a);
    expect(generateDataset({ ...opts, seed: 10 }).lines.slice(0, 50)).not.toEqual(a.lines.slice(0, 50));
  });

  it('writes valid trace lines in arrival order', () => {
    for (const l of ds.lines.slice(0, 20_000)) expect(TraceLine.safeParse(l).success).toBe(true);
    for (let i = 1; i < ds.lines.length; i++) expect(arrivalOf(ds.lines[i]!)).toBeGreaterThanOrEqual(arrivalOf(ds.lines[i - 1]!));
  });

  it('gives each cadence its readings per day, and batch lines a shared, later receivedAt', () => {
    const perDay: Record<string, number[]> = {};
    for (const m of ds.labels.meters) (perDay[m.cadence] ??= []).push(meters.get(m.meterId)!.length / DAYS);
    expect(Object.keys(perDay).sort()).toEqual(['15min', '1min', 'hourly-batch']);
    for (const n of perDay['1min']!) expect(n).toBeGreaterThan(1300);
    for (const n of [...perDay['15min']!, ...perDay['hourly-batch']!]) expect(n).toBeGreaterThan(85);
    for (const m of ds.labels.meters.filter((x) => x.cadence === 'hourly-batch')) {
      const groups = byReceivedAt(meters.get(m.meterId)!);
      for (const [receivedAt, lines] of groups) {
        for (const l of lines) expect(Date.parse(receivedAt)).toBeGreaterThan(Date.parse(l.ts));
      }
      expect([...groups.values()].filter((g) => g.length === 4).length).toBeGreaterThan(DAYS * 20);
    }
    for (const m of ds.labels.meters.filter((x) => x.cadence !== 'hourly-batch')) {
      const late = meters.get(m.meterId)!.filter((l) => l.receivedAt);
      expect(late.length).toBeLessThan(200); // only re-sent duplicates arrive late
    }
  });

  it('keeps each register monotonic except where a data fault is labelled', () => {
    for (const [meterId, lines] of meters) {
      const faults = ds.labels.events.filter((e) => e.meterId === meterId && e.type === 'data-fault').map((e) => [Date.parse(e.start), Date.parse(e.end)]);
      const series = [...new Map(lines.map((l) => [Date.parse(l.ts), l.totalLiters])).entries()].sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < series.length; i++) {
        const [ts, v] = series[i]!;
        if (v < series[i - 1]![1]) expect(faults.some(([s, e]) => ts >= s! && ts <= e!), `${meterId} drops at ${new Date(ts).toISOString()}`).toBe(true);
      }
    }
  });

  it('places at most one event per household, after the learning period; some households have none', () => {
    const eventNames: readonly string[] = [...SAFETY_SCENARIOS, ...EQUIPMENT_SCENARIOS];
    const events = ds.labels.events.filter((e) => eventNames.includes(e.scenario));
    const perMeter = new Map<string, number>();
    for (const e of events) perMeter.set(e.meterId, (perMeter.get(e.meterId) ?? 0) + 1);
    for (const n of perMeter.values()) expect(n).toBe(1);
    expect(ds.labels.meters.filter((m) => !ds.labels.events.some((e) => e.meterId === m.meterId)).length).toBeGreaterThanOrEqual(3);
    for (const e of ds.labels.events) expect(Date.parse(e.start)).toBeGreaterThanOrEqual(from + 14 * DAY);
    expect(new Set(events.map((e) => e.scenario)).size).toBe(6);
    expect(ds.skipped).toEqual([]);
  });

  it('matches labels to the data: an incapacitated person uses no water until rescue', () => {
    for (const e of ds.labels.events.filter((x) => x.type === 'no-usage')) {
      const inside = meters.get(e.meterId)!.filter((l) => Date.parse(l.ts) >= Date.parse(e.start) + 15 * MINUTE && Date.parse(l.ts) < Date.parse(e.end));
      expect(inside.length).toBeGreaterThan(0);
      expect(new Set(inside.map((l) => l.totalLiters)).size).toBe(1);
    }
  });

  it('records normal variation, but never on top of an event', () => {
    const kinds = new Set(ds.labels.normals.map((n) => n.what.split(/[ :(]/)[0]));
    expect(kinds.has('late')).toBe(true);
    expect(kinds.has('long')).toBe(true);
    for (const n of ds.labels.normals) {
      for (const e of ds.labels.events.filter((x) => x.meterId === n.meterId)) {
        expect(Date.parse(n.end) <= Date.parse(e.start) || Date.parse(n.start) >= Date.parse(e.end)).toBe(true);
      }
    }
  });

  it('rejects a dataset too short for its learning period', () => {
    expect(() => generateDataset({ seed: 1, households: 3, days: 10, start: '2026-01-05' })).toThrow(/expected days ≥ learningDays \+ 2/);
  });
});

function byReceivedAt(lines: readonly SimTraceLine[]): Map<string, SimTraceLine[]> {
  const out = new Map<string, SimTraceLine[]>();
  for (const l of lines) if (l.receivedAt) out.set(l.receivedAt, [...(out.get(l.receivedAt) ?? []), l]); // small groups
  return out;
}
