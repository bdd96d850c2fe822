// Away: the household is marked away (a trip, a hospital stay). No water is expected, so no
// no-usage; any flow at all is suspicious, so surge thresholds drop to awayRunMs / awayHourLiters.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, setAway } from '../../src/detect/detector.ts';
import type { DetectorEvent } from '../../src/detect/events.ts';
import { HOUR, MIN, at, between, drive, household, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;

/** A learned household leaves after its morning routine on day 14 and is away for 3 days. */
function trip(opts: { returnAt?: string; tap?: { from: string; lpm: number; minutes: number } } = {}) {
  const leave = at(14, '08:00');
  const until = at(17, '08:00');
  const back = at(17, opts.returnAt ?? '08:00');
  const h = household({ cadenceMin: 1, days: 18, seed: 3 });
  h.silence(leave, back).use(back);
  if (opts.tap) h.tap(at(15, opts.tap.from), opts.tap.lpm, at(15, opts.tap.from) + opts.tap.minutes * MIN);
  const rs = h.readings();
  const d = createDetector(cfg);
  const events: DetectorEvent[] = [];
  events.push(...drive(d, between(rs, at(0, '00:00'), leave)).events);
  events.push(...setAway(d, 'm-1', leave, until, leave));
  events.push(...drive(d, between(rs, leave)).events);
  return { h, events, leave, until, back };
}

describe('away', () => {
  it('3 days away with zero use → no no-usage, and none on returning at the planned time', () => {
    const { h, events, leave } = trip();
    // Leaving right after the morning shower is not a surge "while away".
    expect(h.lastUseBefore(leave)).toBeGreaterThan(leave - HOUR);
    expect(summary(events)).toEqual([]);
  });

  it('returning 6 h late: the silence counts from the planned return, not from the last use before the trip', () => {
    const { events, until } = trip({ returnAt: '14:00' });
    const all = raises(events);
    expect(summary(all)).toEqual([expect.stringMatching(/^raise no-usage d17 /)]);
    expect(all[0]!.observedAt - until).toBeGreaterThanOrEqual(cfg.noUsage.minThresholdMs);
    expect(all[0]!.observedAt).toBeLessThan(at(17, '14:00'));
    expect(all[0]!.reason.facts.lastUse).toBe('08:00');
  });

  it('a tap running at 1 L/min while away → surge after awayRunMs (15 min)', () => {
    const { events } = trip({ tap: { from: '03:00', lpm: 1, minutes: 60 } });
    expect(summary(raises(events))).toEqual(['raise surge d15 03:15']);
    const raise = raises(events)[0]!;
    expect(raise.observedAt - at(15, '03:00')).toBe(cfg.surge.awayRunMs);
    expect(raise.reason.en).toContain('while the household is away');
    expect(summary(events).filter((s) => s.startsWith('clear'))).toEqual([expect.stringMatching(/^clear surge d15 0[45]:/)]);
  });

  it('a tap running at 6 L/min while away → surge once 40 L have run (7 min)', () => {
    const { events } = trip({ tap: { from: '15:00', lpm: 6, minutes: 120 } });
    expect(summary(raises(events))).toEqual(['raise surge d15 15:07']);
    expect(raises(events)[0]!.reason.facts).toMatchObject({ hourLiters: 42, thresholdLiters: cfg.surge.awayHourLiters, away: 'yes' });
  });

  it('marking the household away clears an open no-usage at once', () => {
    const h = household({ cadenceMin: 1, days: 15, seed: 3 });
    h.silence(at(14, '10:00'));
    const d = createDetector(cfg);
    const { events } = drive(d, between(h.readings(), at(0, '00:00'), at(14, '15:00')));
    expect(summary(events)).toEqual([expect.stringMatching(/^raise no-usage d14 1[1-4]:/)]);
    const cleared = setAway(d, 'm-1', at(14, '15:00'), at(15, '00:00'), at(14, '15:00'));
    expect(cleared).toEqual([{ kind: 'clear', meterId: 'm-1', type: 'no-usage', at: at(14, '15:00'), observedAt: at(14, '15:00') }]);
    expect(drive(d, between(h.readings(), at(14, '15:00'))).events).toEqual([]);
  });
});
