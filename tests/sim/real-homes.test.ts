// The real DAIAD homes and the incapacitations injected into them (issue 9 item 5).
import { describe, expect, it } from 'vitest';
import { convertRealHome, findAbsences, injectIncapacitations, parseHouseholds, STOP_MS } from '../../device-sim/real-homes.ts';
import type { SimTraceLine } from '../../device-sim/trace.ts';
import { isHeldOutHome } from '../../eval/datasets/real-homes.ts';
import { hasRealData, readRealCsv } from '../fixtures/real-data.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2016-03-01T00:00:00Z');

/** 60 days of an hourly home: use 07:00–22:00 every hour, silent at night; away days 40–42. */
function synthetic(): SimTraceLine[] {
  const out: SimTraceLine[] = [];
  let total = 1000;
  for (let h = 0; h < 60 * 24; h++) {
    const t = T0 + h * HOUR;
    const hour = h % 24;
    const day = Math.floor(h / 24);
    if (hour >= 7 && hour <= 22 && !(day >= 40 && day <= 42)) total += 10;
    out.push({ meterId: 'x', ts: new Date(t).toISOString(), totalLiters: total });
  }
  return out;
}

describe('incapacitations injected into real homes', () => {
  it('stop the register for 36 h just after a use, after 4 weeks, never in an absence; the register stays monotonic', () => {
    const lines = synthetic();
    const abs = findAbsences(lines, 'x');
    expect(abs).toHaveLength(1);
    expect(abs[0]!.what).toMatch(/^absence: no use for \d+ h/);
    const { lines: out, events } = injectIncapacitations(lines, 'x', 1);
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const e of events) {
      const start = Date.parse(e.start);
      expect(start - T0).toBeGreaterThanOrEqual(28 * DAY);
      expect(Date.parse(e.end) - start).toBe(STOP_MS);
      const i = out.findIndex((l) => Date.parse(l.ts) === start);
      expect(lines[i]!.totalLiters - lines[i - 1]!.totalLiters).toBeGreaterThan(0); // had just used water
      const inStop = out.filter((l) => Date.parse(l.ts) > start && Date.parse(l.ts) <= start + STOP_MS);
      expect(new Set(inStop.map((l) => l.totalLiters)).size).toBe(1);
      expect(inStop[0]!.totalLiters).toBe(out[i]!.totalLiters);
      // Not within a day of the real absence.
      expect(start + STOP_MS < Date.parse(abs[0]!.start) - DAY || start > Date.parse(abs[0]!.end) + DAY).toBe(true);
    }
    for (let i = 1; i < out.length; i++) expect(out[i]!.totalLiters).toBeGreaterThanOrEqual(out[i - 1]!.totalLiters);
  });

  it.runIf(hasRealData)('the households folder: 15 homes, 6 held out by key, each with injections and labelled gaps', () => {
    const homes = parseHouseholds(readRealCsv('daiad/households/households.csv'));
    expect(homes).toHaveLength(15);
    expect(homes.filter((h) => isHeldOutHome(h.key)).map((h) => h.key)).toEqual(['b3718348', 'bf15f6ba', 'df789230', 'e8523035', 'f7b27eee', 'fbc12cbd']);
    const one = convertRealHome(homes[0]!, readRealCsv(`daiad/households/${homes[0]!.file}`));
    expect(one.labels.meters).toEqual([expect.objectContaining({ meterId: 'daiad-00248e83', cadence: 'hourly' })]);
    expect(one.labels.events.filter((e) => e.type === 'no-usage').length).toBeGreaterThanOrEqual(5);
  });
});
