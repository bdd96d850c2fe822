// Realistic and varied delivery (issue 9): batches as one message or as many shuffled ones
// spread over minutes, skewed meter clocks, households in another zone, daylight-saving time.
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../device-sim/dataset.ts';
import { meterReports } from '../../device-sim/meter.ts';
import { Rng } from '../../device-sim/rng.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const flat = { at: (t: number) => t / MIN }; // a register that turns 1 L/min

describe('meter delivery styles', () => {
  it('a shuffled batch meter sends each reading of the hour as its own message, out of order, spread over minutes', () => {
    const from = Date.parse('2026-01-05T00:00:00Z');
    const gen = meterReports(flat, 'hourly-batch', from, new Rng(1), { shuffled: true, spreadMs: 3 * MIN });
    const msgs = Array.from({ length: 4 }, () => gen.next().value!);
    expect(msgs.every((m) => m.kind === 'reading' && m.readings.length === 1)).toBe(true);
    const ts = msgs.map((m) => m.readings[0]!.ts);
    expect([...ts].sort((a, b) => a - b)).toEqual([15, 30, 45, 60].map((m) => from + m * MIN));
    expect(ts).not.toEqual([...ts].sort((a, b) => a - b));
    const sends = msgs.map((m) => m.sendAt);
    expect(Math.min(...sends)).toBeGreaterThan(from + HOUR);
    expect(Math.max(...sends) - Math.min(...sends)).toBeLessThanOrEqual(3 * MIN);
  });

  it('a skewed clock shifts the stamps, not the register or the send time', () => {
    const from = Date.parse('2026-01-05T00:00:00Z');
    const r = meterReports(flat, '15min', from, new Rng(1), { skewMs: 2 * HOUR }).next().value!;
    expect(r.readings[0]!.ts - r.sendAt).toBe(2 * HOUR);
    expect(r.readings[0]!.totalLiters).toBe(Math.floor((from + 15 * MIN) / MIN));
  });
});

describe('generateDataset({ realism: true })', () => {
  const ds = generateDataset({ seed: 4242, households: 40, days: 16, start: '2026-01-05', realism: true, scenarioPlan: { cleanShare: 1 } });
  it('has shuffled batch deliveries, skewed clocks (ts after arrival) and labels a clock off by more than 30 min as a data fault', () => {
    const byMeter = new Map<string, typeof ds.lines>();
    for (const l of ds.lines) {
      const xs = byMeter.get(l.meterId) ?? [];
      xs.push(l);
      byMeter.set(l.meterId, xs);
    }
    let shuffled = 0;
    let fast = 0;
    for (const lines of byMeter.values()) {
      if (lines.some((l, i) => i > 0 && Date.parse(l.ts) < Date.parse(lines[i - 1]!.ts))) shuffled++;
      if (lines.some((l) => Date.parse(l.ts) > Date.parse(l.receivedAt ?? l.ts) + MIN)) fast++;
    }
    expect({ shuffled, fast }).toEqual({ shuffled: expect.any(Number), fast: expect.any(Number) });
    expect(shuffled, JSON.stringify({ shuffled, fast })).toBeGreaterThan(0);
    expect(fast, JSON.stringify({ shuffled, fast })).toBeGreaterThan(0);
    const skews = ds.labels.events.filter((e) => e.scenario.startsWith('clock-skew'));
    for (const e of skews) expect(e.type).toBe('data-fault');
  });
});
