import { describe, expect, it } from 'vitest';
import type { DatasetLabels } from '../../eval/labels.ts';
import { householdMonths, poolScores, ROUTINE, scoreAlerts } from '../../eval/score.ts';
import { HOUR, iso, MINUTE, parseAlertLines, type EvalAlert } from '../../eval/trace.ts';

const D = Date.parse('2026-01-10T00:00:00Z');
const t = (h: number, m = 0): number => D + h * HOUR + m * MINUTE;
const alert = (meterId: string, type: string, ms: number): EvalAlert => ({ meterId, type, openedAt: iso(ms) });

const LABELS: DatasetLabels = {
  name: 'hand',
  meters: [
    { meterId: 'm1', cadence: '1min', from: iso(t(-24 * 10)), to: iso(t(24 * 20)) },
    { meterId: 'm2', cadence: '15min', from: iso(t(-24 * 10)), to: iso(t(24 * 20)) },
  ],
  events: [
    { meterId: 'm1', type: 'no-usage', scenario: 'incapacitation', start: iso(t(10)), end: iso(t(20)) },
    { meterId: 'm1', type: 'surge', scenario: 'burst-pipe', start: iso(t(48 + 8)), end: iso(t(48 + 10)), alsoAccept: ['leak'] },
    { meterId: 'm2', type: 'offline', scenario: 'meter-offline', start: iso(t(5)), end: iso(t(11)) },
    { meterId: 'm2', type: 'data-fault', scenario: 'glitch-jump', start: iso(t(72 + 3)), end: iso(t(72 + 3, 15)) },
  ],
  normals: [
    { meterId: 'm1', what: 'trip: away 2 days', start: iso(t(24 * 5)), end: iso(t(24 * 7)) },
    { meterId: 'm2', what: 'late waking', start: iso(t(24 * 3 + 6)), end: iso(t(24 * 3 + 9)) },
    { meterId: 'm2', what: 'duplicate re-sends (data fault: must raise nothing)', start: iso(t(24 * 8)), end: iso(t(24 * 8 + 6)) },
  ],
};
const noUsage = (alerts: EvalAlert[]) => scoreAlerts(LABELS, alerts).outcomes[0]!;

describe('scoreAlerts: detecting an event', () => {
  it.each([
    ['inside the window', [alert('m1', 'no-usage', t(13))], 3 * HOUR],
    ['20 min before start counts with delay 0', [alert('m1', 'no-usage', t(9, 40))], 0],
    ['exactly 30 min before start', [alert('m1', 'no-usage', t(9, 30))], 0],
    ['59 min after the end', [alert('m1', 'no-usage', t(20, 59))], 10 * HOUR + 59 * MINUTE],
    ['the first matching alert only', [alert('m1', 'no-usage', t(12)), alert('m1', 'no-usage', t(11))], HOUR],
  ])('%s', (_, alerts, delay) => {
    const o = noUsage(alerts);
    expect(o.delayMs).toBe(delay);
    expect(o.alert).toBeDefined();
  });

  it.each([
    ['40 min before start', [alert('m1', 'no-usage', t(9, 20))]],
    ['61 min after the end', [alert('m1', 'no-usage', t(21, 1))]],
    ['another meter', [alert('m2', 'no-usage', t(13))]],
    ['another type', [alert('m1', 'surge', t(13))]],
  ])('misses: %s', (_, alerts) => {
    expect(noUsage(alerts).delayMs).toBeUndefined();
  });

  it('accepts an alsoAccept type (a burst pipe raising leak)', () => {
    const s = scoreAlerts(LABELS, [alert('m1', 'leak', t(48 + 9))]);
    expect(s.byType.surge).toMatchObject({ events: 1, detected: 1, recall: 1 });
    expect(s.byType.surge.delay?.median).toBe(HOUR);
    expect(s.falseAlarms.total).toBe(0);
  });

  it('summarises recall and delays per type and overall', () => {
    const s = scoreAlerts(LABELS, [alert('m1', 'no-usage', t(14)), alert('m2', 'offline', t(5, 30))]);
    expect(s.byType['no-usage']).toMatchObject({ events: 1, detected: 1, recall: 1, delay: { n: 1, mean: 4 * HOUR, median: 4 * HOUR, max: 4 * HOUR } });
    expect(s.byType.offline.delay?.max).toBe(30 * MINUTE);
    expect(s.byType.leak).toMatchObject({ events: 0, detected: 0, recall: null, delay: null });
    expect(s.overall).toMatchObject({ events: 4, detected: 2, recall: 0.5 });
  });
});

describe('scoreAlerts: false alarms', () => {
  it.each([
    ['an extra leak alert during a burst pipe', alert('m1', 'leak', t(48 + 9, 30))],
    ['a no-usage alert during the burst (any type explains)', alert('m1', 'no-usage', t(48 + 9))],
    ['an offline alert during a labelled offline gap', alert('m2', 'offline', t(6))],
    ['a data-fault alert on a glitch', alert('m2', 'data-fault', t(72 + 3, 10))],
  ])('not a false alarm: %s', (_, a) => {
    expect(scoreAlerts(LABELS, [a]).falseAlarms.total).toBe(0);
  });

  it('an alert matching no event is a false alarm of its type, in routine time', () => {
    const s = scoreAlerts(LABELS, [alert('m1', 'no-usage', t(24 * 2))]);
    expect(s.falseAlarms).toMatchObject({ total: 1, byType: { 'no-usage': 1 }, byNormal: { [ROUTINE]: 1 } });
  });

  it('attributes a false alarm to the kind of normal period it fell in; an unannounced trip is counted apart, not in the rate', () => {
    const s = scoreAlerts(LABELS, [alert('m1', 'no-usage', t(24 * 6)), alert('m2', 'no-usage', t(24 * 3 + 8)), alert('m2', 'no-usage', t(24 * 6))]);
    expect(s.falseAlarms.byNormal).toEqual({ 'late waking': 1, [ROUTINE]: 1 });
    expect(s.falseAlarms.total).toBe(2);
    expect(s.absences).toEqual({ periods: 1, alerts: 1 });
    expect(s.falseAlarmList.map((f) => f.normal)).toEqual(['late waking', 'trip', ROUTINE]);
  });

  it('reads check-in lines and escalations of the replay output (issue 7: both stages)', () => {
    const text = [
      JSON.stringify({ meterId: 'm1', type: 'no-usage', openedAt: iso(t(10)), change: 'opened', stage: 'check-in' }),
      JSON.stringify({ meterId: 'm1', type: 'no-usage', openedAt: iso(t(10)), change: 'escalated', stage: 'confirmed', escalatedAt: iso(t(12)) }),
      JSON.stringify({ meterId: 'm1', type: 'surge', openedAt: iso(t(20)) }),
    ].join('\n');
    expect(parseAlertLines(text)).toEqual([
      { meterId: 'm1', type: 'no-usage', openedAt: iso(t(10)), stage: 'check-in' },
      { meterId: 'm1', type: 'no-usage', openedAt: iso(t(12)), stage: 'confirmed', escalated: true },
      { meterId: 'm1', type: 'surge', openedAt: iso(t(20)) },
    ]);
  });

  it('a surge on a glitch is a false alarm and a data-fault surge (a data fault explains only data-fault alerts)', () => {
    const s = scoreAlerts(LABELS, [alert('m2', 'surge', t(72 + 3, 5))]);
    expect(s.falseAlarms.byType).toEqual({ surge: 1 });
    expect(s.dataFaultSurges).toBe(1);
    expect(s.dataFaults).toBe(2);
  });

  it('a surge during duplicate re-sends (labelled as a fault normal) counts as a data-fault surge', () => {
    const s = scoreAlerts(LABELS, [alert('m2', 'surge', t(24 * 8 + 1))]);
    expect(s.dataFaultSurges).toBe(1);
    expect(s.falseAlarms.byNormal).toEqual({ 'duplicate re-sends': 1 });
  });

  it('ignores, but counts, alerts opened after the meter span (the trace ended)', () => {
    const s = scoreAlerts(LABELS, [alert('m1', 'offline', t(24 * 20 + 1))]);
    expect(s.falseAlarms.total).toBe(0);
    expect(s.afterSpan).toBe(1);
  });

  it('normalises per household-month watched: sum over meters of span days / 30, less the labelled outages', () => {
    // m2's 6 h outage excuses the alerts in it, so it is not watched time either.
    const months = 2 - 6 / 24 / 30;
    expect(householdMonths(LABELS)).toBeCloseTo(months, 12);
    const s = scoreAlerts(LABELS, [alert('m1', 'no-usage', t(24 * 2)), alert('m2', 'surge', t(24 * 2)), alert('m2', 'surge', t(24 * 4))]);
    expect(s.falseAlarms.perHouseholdMonth).toBeCloseTo(3 / months, 12);
  });

  it('pools datasets by concatenating events, delays and false alarms', () => {
    const a = scoreAlerts(LABELS, [alert('m1', 'no-usage', t(12)), alert('m1', 'surge', t(24 * 2))]);
    const b = scoreAlerts(LABELS, [alert('m1', 'no-usage', t(16))]);
    const p = poolScores([a, b]);
    const months = 2 * (2 - 6 / 24 / 30);
    expect(p.householdMonths).toBeCloseTo(months, 12);
    expect(p.byType['no-usage']).toMatchObject({ events: 2, detected: 2, delay: { mean: 4 * HOUR, max: 6 * HOUR } });
    expect(p.falseAlarms.perHouseholdMonth).toBeCloseTo(1 / months, 12);
  });
});
