import { describe, expect, it } from 'vitest';
import { quantise } from '../../device-sim/meter.ts';
import { HOUR, MINUTE, FROM, DAY, meter, run } from './helpers.ts';

describe('meter cadence', () => {
  it('1-min meters report every minute on the minute, to 0.001 L, never going backwards', () => {
    const { reports, flat } = run(meter({ cadence: '1min' }), FROM + 3 * DAY);
    expect(flat).toHaveLength(3 * 1440 - 1);
    for (let i = 1; i < flat.length; i++) {
      expect(flat[i]!.ts - flat[i - 1]!.ts).toBe(MINUTE);
      expect(flat[i]!.totalLiters).toBeGreaterThanOrEqual(flat[i - 1]!.totalLiters);
    }
    for (const r of reports) {
      expect(r.kind).toBe('reading');
      expect(r.sendAt).toBe(r.readings[0]!.ts); // on time: no receivedAt in the trace
    }
    expect(flat.some((r) => !Number.isInteger(r.totalLiters))).toBe(true);
    for (const r of flat) expect(Math.round(r.totalLiters * 1000) / 1000).toBe(r.totalLiters);
  });

  it('15-min meters report every quarter hour in whole litres', () => {
    const { flat } = run(meter({ cadence: '15min' }), FROM + 2 * DAY);
    expect(flat).toHaveLength(2 * 96 - 1);
    for (let i = 1; i < flat.length; i++) expect(flat[i]!.ts - flat[i - 1]!.ts).toBe(15 * MINUTE);
    for (const r of flat) expect(Number.isInteger(r.totalLiters)).toBe(true);
  });

  it('hourly-batch meters send four 15-min readings once an hour, a few seconds to minutes after it', () => {
    const { reports } = run(meter({ cadence: 'hourly-batch' }), FROM + 2 * DAY);
    expect(reports.length).toBeGreaterThanOrEqual(47);
    for (const r of reports.slice(1)) {
      expect(r.kind).toBe('batch');
      expect(r.readings.map((x) => x.ts - r.readings[0]!.ts)).toEqual([0, 15, 30, 45].map((m) => m * MINUTE));
      const hour = r.readings.at(-1)!.ts;
      expect(hour % HOUR).toBe(0);
      expect(r.sendAt - hour).toBeGreaterThanOrEqual(5_000);
      expect(r.sendAt - hour).toBeLessThanOrEqual(180_000);
    }
  });

  it('rounds coarse registers down, so rounding never makes the series go backwards', () => {
    expect(quantise(12.999, '15min')).toBe(12);
    expect(quantise(12.9996, '1min')).toBe(13);
    expect(quantise(13, 'hourly-batch')).toBe(13);
  });
});
