// The event-time replay engine: the live detector and alert lifecycle on a simulated clock.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import type { Alert } from '../../src/domain/alert.ts';
import { createReplayEngine } from '../../src/replay/engine.ts';
import { between, dropGap, drive, household, raises, show } from '../detect/timeline.ts';
import { HOUR, MIN, at, richTrace } from './trace.ts';

const cfg = defaultDetectorConfig;

function replay(rs: ReturnType<typeof richTrace>, until?: number) {
  const alerts: Alert[] = [];
  const engine = createReplayEngine(cfg, (a) => alerts.push(a));
  for (const r of rs) engine.push(r);
  if (until !== undefined) engine.advanceTo(until);
  return { alerts, engine };
}
const brief = (a: Alert) => `${a.meterId} ${a.type} ${show(a.openedAt)}`;

describe('replay engine', () => {
  it('fires offline at the exact simulated deadline, between readings and after the last one', () => {
    const rs = richTrace();
    const end = rs.at(-1)!.receivedAt;
    const { alerts, engine } = replay(rs, end + 5 * HOUR);
    expect(alerts.filter((a) => a.type === 'offline').map(brief)).toEqual([
      'm-1 offline d15 14:45', // 15-min meter silent from 14:00: 3 intervals later
      'm-1 offline d16 00:45', // after its last reading at d16 00:00
      'm-2 offline d16 03:00', // hourly batches: 3 h after the last delivery
    ]);
    expect(engine.clock).toBe(end + 5 * HOUR);
    expect(engine.verdicts).toEqual({ accepted: rs.length - 4, duplicate: 0, 'out-of-order': 0, fault: 4 });
  });

  it('opens one alert per condition episode for every rule in the trace', () => {
    const { alerts } = replay(richTrace());
    expect(alerts.filter((a) => a.type !== 'offline').map(brief)).toEqual([
      'm-1 data-fault d13 12:07:30',
      'm-2 leak d14 05:00',
      'm-1 no-usage d14 12:45',
      'm-1 surge d15 09:30',
    ]);
  });

  it('is deterministic: the same trace twice gives identical alerts, ids included', () => {
    const rs = richTrace();
    const a = replay(rs, rs.at(-1)!.receivedAt + 5 * HOUR);
    const b = replay(richTrace(), rs.at(-1)!.receivedAt + 5 * HOUR);
    expect(a.alerts.length).toBe(7);
    expect(b.alerts).toEqual(a.alerts);
    expect(new Set(a.alerts.map((x) => x.id)).size).toBe(a.alerts.length);
  });

  it('gives the same alerts as the detector on a manual clock ticking every minute', () => {
    const h = household({ cadenceMin: 1, days: 3, seed: 3 });
    const rs = dropGap(h.readings(), at(1, '10:00') + 1, at(1, '16:00'));
    const until = at(3, '06:00');
    const { alerts } = replay(rs, until);
    const { events } = drive(createDetector(cfg), rs, { tickMs: MIN, until });
    expect(alerts.map((a) => [a.type, a.openedAt, a.observedAt])).toEqual(raises(events).map((e) => [e.type, e.at, e.observedAt]));
    expect(alerts.map(brief)).toEqual(['m-1 offline d1 10:05', 'm-1 offline d3 00:05']);
  });

  it('the simulated clock never runs backwards', () => {
    const { alerts, engine } = replay([]);
    engine.advanceTo(at(1, '00:00'));
    engine.push(between(household({ cadenceMin: 15, days: 1 }).readings(), at(0, '00:00'))[0]!);
    engine.advanceTo(at(0, '00:30'));
    expect(engine.clock).toBe(at(1, '00:00'));
    expect(alerts).toEqual([]);
  });
});
