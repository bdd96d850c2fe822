import { describe, expect, it } from 'vitest';
import { runRule } from '../../eval/reference/driver.ts';
import { createFixed10L12h } from '../../eval/reference/fixed-10l-12h.ts';
import { HOUR } from '../../eval/trace.ts';
import { at, times, trace } from './helpers.ts';

const run = (lines: Parameters<typeof runRule>[1], until?: number) => runRule(createFixed10L12h(), lines, { until });

describe('fixed-10L-12h', () => {
  it('fires when the 20 L used at 00:10 leaves the trailing 12 h window', () => {
    const alerts = run(trace('m1', 20 * 60, (i) => (i === 9 ? 20 : 0)));
    expect(alerts.map((a) => a.type)).toEqual(['no-usage']);
    expect(times(alerts)).toEqual([at(10) + 12 * HOUR]);
  });

  it('needs 12 h of data first: a meter that never uses water fires at first reading + 12 h', () => {
    expect(times(run(trace('m1', 13 * 60, () => 0)))).toEqual([at(0) + 12 * HOUR]);
  });

  it('9 L spread over 12 h is still < 10 L', () => {
    const alerts = run(trace('m1', 13 * 60, (i) => (i % 120 === 0 ? 1.5 : 0)));
    expect(alerts).toHaveLength(1);
  });

  it('one alert per episode, re-armed once the window holds ≥ 10 L again', () => {
    // Quiet from the start (alert at 12:00), 10 L at 14:00 re-arms, quiet again → alert at 26:00.
    const alerts = run(trace('m1', 30 * 60, (i) => (i === 14 * 60 - 1 ? 10 : 0)));
    expect(times(alerts)).toEqual([at(12 * 60), at(26 * 60)]);
  });

  it('keeps judging a silent meter on the clock (ticks) until --until', () => {
    const alerts = run(trace('m1', 60, (i) => (i === 0 ? 50 : 0)), at(14 * 60));
    expect(times(alerts)).toEqual([at(1) + 12 * HOUR + 4 * 60_000]);
  });
});
