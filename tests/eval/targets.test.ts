import { describe, expect, it } from 'vitest';
import type { DatasetLabels } from '../../eval/labels.ts';
import { scoreAlerts } from '../../eval/score.ts';
import { checkTargets } from '../../eval/targets.ts';
import { iso, MINUTE } from '../../eval/trace.ts';

const D = Date.parse('2026-02-01T00:00:00Z');
const t = (min: number): string => iso(D + min * MINUTE);
const labels: DatasetLabels = {
  name: 'targets',
  meters: [
    { meterId: 'a', cadence: '1min', from: t(-30 * 24 * 60), to: t(30 * 24 * 60) },
    { meterId: 'b', cadence: 'hourly-batch', from: t(-30 * 24 * 60), to: t(30 * 24 * 60) },
  ],
  events: [
    { meterId: 'a', type: 'no-usage', scenario: 'incapacitation', start: t(0), end: t(24 * 60) },
    { meterId: 'a', type: 'surge', scenario: 'burst-pipe', start: t(2000), end: t(2300) },
    { meterId: 'a', type: 'offline', scenario: 'meter-offline', start: t(3000), end: t(3600) },
    { meterId: 'b', type: 'offline', scenario: 'meter-offline', start: t(3000), end: t(3600) },
    { meterId: 'b', type: 'leak', scenario: 'slow-leak', start: t(5000), end: t(5000 + 5 * 24 * 60) },
    { meterId: 'b', type: 'data-fault', scenario: 'glitch-jump', start: t(20000), end: t(20015) },
  ],
  normals: [],
};
const byId = (alerts: { meterId: string; type: string; openedAt: string }[]) =>
  Object.fromEntries(checkTargets(scoreAlerts(labels, alerts)).map((c) => [c.id, c]));

describe('checkTargets', () => {
  it('passes a system that meets every target', () => {
    const c = byId([
      { meterId: 'a', type: 'no-usage', openedAt: t(3 * 60) },
      { meterId: 'a', type: 'surge', openedAt: t(2020) },
      { meterId: 'a', type: 'offline', openedAt: t(3003) },
      { meterId: 'b', type: 'offline', openedAt: t(3000 + 3 * 60) },
      { meterId: 'b', type: 'leak', openedAt: t(5000 + 23 * 60) },
    ]);
    expect(Object.values(c).map((x) => [x.id, x.ok])).toEqual([
      ['no-usage-recall', true], ['no-usage-delay', true], ['false-alarms', true], ['surge-recall', true],
      ['surge-delay', true], ['leak-24h', true], ['offline-3-intervals', true], ['offline-false', true], ['no-fault-surges', true],
    ]);
  });

  it('fails late detections, offline beyond 3 report intervals of the cadence, and glitch surges', () => {
    const c = byId([
      { meterId: 'a', type: 'no-usage', openedAt: t(5 * 60) },
      { meterId: 'a', type: 'surge', openedAt: t(2031) },
      { meterId: 'a', type: 'offline', openedAt: t(3004) },
      { meterId: 'b', type: 'offline', openedAt: t(3000 + 3 * 60) },
      { meterId: 'b', type: 'leak', openedAt: t(5000 + 25 * 60) },
      { meterId: 'b', type: 'surge', openedAt: t(20001) },
    ]);
    expect(c['no-usage-delay']).toMatchObject({ ok: false, value: '5.00 h' });
    expect(c['surge-delay']).toMatchObject({ ok: false, value: '31.0 min' });
    expect(c['offline-3-intervals']).toMatchObject({ ok: false, value: '1/2' });
    expect(c['leak-24h']).toMatchObject({ ok: false, value: '0/1' });
    expect(c['no-fault-surges']).toMatchObject({ ok: false, value: '1 (in 1 faults)' });
    expect(c['false-alarms']!.ok).toBe(true); // 1 false alarm over 4 household-months
  });

  it('says n/a when there is nothing to measure', () => {
    const c = checkTargets(scoreAlerts({ ...labels, events: [] }, []));
    expect(c.filter((x) => x.ok === null).map((x) => x.id)).toEqual([
      'no-usage-recall', 'no-usage-delay', 'surge-recall', 'surge-delay', 'leak-24h', 'offline-3-intervals', 'no-fault-surges',
    ]);
  });
});
