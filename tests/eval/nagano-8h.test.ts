import { describe, expect, it } from 'vitest';
import { runRule } from '../../eval/reference/driver.ts';
import { createNagano8h } from '../../eval/reference/nagano-8h.ts';
import { HOUR, MINUTE } from '../../eval/trace.ts';
import { at, times, trace } from './helpers.ts';

const run = (lines: Parameters<typeof runRule>[1], until?: number) => runRule(createNagano8h(), lines, { until });

describe('nagano-8h: no use ≥ 8 h', () => {
  it('1-min trace: fires at exactly last use + 8 h, once', () => {
    // Use in the first 30 intervals (last use at reading 30, 00:30), then 12 h of zero.
    const alerts = run(trace('m1', 12 * 60, (i) => (i < 30 ? 1 : 0)));
    expect(alerts.map((a) => a.type)).toEqual(['no-usage']);
    expect(times(alerts)).toEqual([at(30) + 8 * HOUR]);
  });

  it('a silent meter is caught by the 5-min ticks (within the tick resolution)', () => {
    // Last use at 00:32, no reading after 01:00; the clock runs on to 12:00.
    const alerts = run(trace('m1', 60, (i) => (i < 32 ? 1 : 0)), at(12 * 60));
    expect(times(alerts)).toEqual([at(35) + 8 * HOUR]);
  });

  it('re-arms when use resumes', () => {
    const alerts = run(trace('m1', 24 * 60, (i) => (i === 0 || i === 10 * 60 ? 5 : 0)));
    expect(times(alerts)).toEqual([at(1) + 8 * HOUR, at(10 * 60 + 1) + 8 * HOUR]);
  });

  it('does not fire on 7 h 59 min of silence', () => {
    // Use shows at 00:01 and again at 08:00, then the trace ends at 10:00.
    expect(run(trace('m1', 10 * 60, (i) => (i === 0 || i === 8 * 60 - 1 ? 5 : 0)))).toEqual([]);
  });
});

describe('nagano-8h: continuous use ≥ 2 h', () => {
  it('1-min trace: surge at exactly 2 h of use in every interval, once per run, re-armed by a pause', () => {
    const flowing = (i: number): number => (i < 150 || (i > 151 && i < 300) ? 2 : 0);
    const alerts = run(trace('m1', 320, flowing)).filter((a) => a.type === 'surge');
    expect(times(alerts)).toEqual([at(120), at(152 + 120)]);
  });

  it('one zero interval breaks the run', () => {
    const alerts = run(trace('m1', 200, (i) => (i === 60 ? 0 : 1))).filter((a) => a.type === 'surge');
    expect(times(alerts)).toEqual([at(61 + 120)]);
  });

  it('hourly cadence: two consecutive non-zero hourly intervals = 2 h continuous', () => {
    const alerts = run(trace('m1', 4, (i) => (i === 1 || i === 2 ? 3 : 0), { stepMin: 60 }));
    expect(alerts.filter((a) => a.type === 'surge').map((a) => Date.parse(a.openedAt))).toEqual([at(180)]);
  });

  it('a transmission gap longer than 2 h cannot show continuous flow', () => {
    const lines = [...trace('m1', 1, () => 3, { stepMin: 60 }), ...trace('m1', 1, () => 3, { stepMin: 17 * 60, startMin: 60, startTotal: 1003 }).slice(1)];
    expect(run(lines).filter((a) => a.type === 'surge')).toEqual([]);
    expect(lines).toHaveLength(3);
    expect(Date.parse(String(lines[2]!.ts)) - at(0)).toBe(18 * 60 * MINUTE);
  });
});
