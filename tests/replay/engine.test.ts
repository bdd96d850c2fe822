// The event-time replay engine: the live detector and alert lifecycle on a simulated clock.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import type { Alert } from '../../src/domain/alert.ts';
import { createReplayEngine } from '../../src/replay/engine.ts';
import { between, dropGap, drive, household, raises, show } from '../detect/timeline.ts';
import { HOUR, MIN, at, richTrace } from './trace.ts';

const cfg = defaultDetectorConfig;
const offlineAfter = (cadenceMs: number) => Math.max(cfg.offline.minMs, cfg.offline.intervals * cadenceMs);

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
    expect(alerts.filter((a) => a.type === 'offline').map((a) => [a.meterId, a.openedAt, a.observedAt])).toEqual([
      ['m-1', at(15, '14:00') + offlineAfter(15 * MIN), at(15, '14:00')], // 15-min meter silent from 14:00
      ['m-1', at(16, '00:00') + offlineAfter(15 * MIN), at(16, '00:00')], // after its last reading
      ['m-2', at(16, '00:00') + offlineAfter(HOUR), at(16, '00:00')], // hourly batches: after the last delivery
    ]);
    expect(offlineAfter(15 * MIN)).toBe(45 * MIN);
    expect(engine.clock).toBe(end + 5 * HOUR);
    expect(engine.verdicts).toEqual({ accepted: rs.length - 4, duplicate: 0, 'out-of-order': 0, fault: 4, held: 0, late: 0, implausible: 0 });
  });

  it('opens one alert per condition episode for every rule in the trace', () => {
    const { alerts } = replay(richTrace());
    const rest = alerts.filter((a) => a.type !== 'offline');
    expect(rest.map((a) => `${a.meterId} ${a.type}`)).toEqual(['m-1 data-fault', 'm-2 leak', 'm-1 no-usage', 'm-1 surge']);
    const [fault, leak, noUsage, surge] = rest as [Alert, Alert, Alert, Alert];
    expect(brief(fault)).toBe('m-1 data-fault d13 12:07:30'); // the first glitch reading
    expect(leak.observedAt - at(14, '00:00')).toBeLessThanOrEqual(24 * HOUR);
    expect(leak.openedAt).toBe(Math.ceil(leak.observedAt / HOUR) * HOUR); // at the batch delivery
    expect(noUsage.observedAt - at(14, '10:00')).toBeGreaterThanOrEqual(cfg.noUsage.minThresholdMs);
    // (Exact timing of the learned rule is tested in tests/detect/no-usage; here: well before use resumes at 17:00.)
    expect(noUsage.observedAt - at(14, '10:00')).toBeLessThanOrEqual(5 * HOUR);
    expect(surge.observedAt - at(15, '09:00')).toBeLessThanOrEqual(2 * 15 * MIN); // first or second reading
  });

  it('is deterministic: the same trace twice gives identical alerts, ids included', () => {
    const rs = richTrace();
    const a = replay(rs, rs.at(-1)!.receivedAt + 5 * HOUR);
    const b = replay(richTrace(), rs.at(-1)!.receivedAt + 5 * HOUR);
    expect(a.alerts.length).toBe(7);
    expect(b.alerts).toEqual(a.alerts);
    expect(new Set(a.alerts.map((x) => x.id)).size).toBe(a.alerts.length);
  });

  it('gives the same alerts as the detector on a manual clock ticking every 15 s', () => {
    const h = household({ cadenceMin: 1, days: 3, seed: 3 });
    const rs = dropGap(h.readings(), at(1, '10:00') + 1, at(1, '16:00'));
    const until = at(3, '06:00');
    const { alerts } = replay(rs, until);
    const { events } = drive(createDetector(cfg), rs, { tickMs: 15_000, until });
    expect(alerts.map((a) => [a.type, a.openedAt, a.observedAt])).toEqual(raises(events).map((e) => [e.type, e.at, e.observedAt]));
    const after = Math.max(cfg.offline.minMs, cfg.offline.intervals * MIN);
    expect(alerts.map((a) => a.openedAt)).toEqual([at(1, '10:00') + after, at(3, '00:00') + after]);
    expect(alerts.map((a) => a.type)).toEqual(['offline', 'offline']);
  });

  it('a report-on-change meter (6 h heartbeat) whose register stops: no-usage on time between heartbeats, as the detector on a manual clock', () => {
    const h = household({ cadenceMin: 15, days: 24, seed: 7, usesPerHour: [0, 2] });
    const all = h.readings();
    const stop = all.filter((r) => r.ts <= at(21, '15:00')).at(-1)!;
    let sent: (typeof all)[number] | undefined;
    const rs = between(all, 0, at(23, '06:00'))
      .map((r) => (r.ts > stop.ts ? { ...r, totalLiters: stop.totalLiters } : r))
      .filter((r) => {
        if (sent && r.totalLiters === sent.totalLiters && r.ts - sent.ts < 6 * HOUR) return false;
        sent = r;
        return true;
      });
    const until = at(23, '06:00');
    const { alerts } = replay(rs, until);
    const { events } = drive(createDetector(cfg), rs, { tickMs: 15_000, until });
    // The engine ticks each meter at its next deadline (detector nextDeadline), the drive every
    // 15 s: the same alerts, the no-usage ones at a moment no reading arrived.
    const nu = alerts.filter((a) => a.type === 'no-usage' && a.openedAt > stop.ts);
    expect(nu.length).toBeGreaterThan(0);
    expect(rs.map((r) => r.receivedAt)).not.toContain(nu[0]!.openedAt);
    const raised = raises(events);
    expect(alerts.map((a) => a.type)).toEqual(raised.map((e) => e.type));
    // The engine at the exact moment, the manual clock at its next tick.
    alerts.forEach((a, i) => expect(raised[i]!.at - a.openedAt).toBeGreaterThanOrEqual(0));
    alerts.forEach((a, i) => expect(raised[i]!.at - a.openedAt).toBeLessThanOrEqual(15_000));
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

describe('replay engine: held deliveries', () => {
  it('a meter delivering hourly batches as shuffled messages that then stops: held readings are released in order and offline still fires after 3 delivery intervals', () => {
    const h = household({ cadenceMin: 15, days: 4, seed: 3 });
    const rs = between(h.readings(), 0, at(3, '10:00') + 1);
    // Each hour as 4 single-reading messages in reverse order, 20 s apart, from hh:00:30.
    const hours = new Map<number, typeof rs>();
    for (const r of rs) {
      const hr = Math.ceil(r.ts / HOUR) * HOUR;
      hours.set(hr, [...(hours.get(hr) ?? []), r]);
    }
    const msgs = [...hours].flatMap(([hr, group]) => group.reverse().map((r, i) => ({ ...r, receivedAt: hr + 30_000 + i * 20_000 })));
    const alerts: Alert[] = [];
    const engine = createReplayEngine(defaultDetectorConfig, (a) => alerts.push(a));
    for (const r of msgs) engine.push(r);
    engine.advanceTo(at(3, '18:00'));
    const last = msgs.at(-1)!.receivedAt;
    const offline = alerts.filter((a) => a.type === 'offline');
    expect(offline.map((a) => show(a.openedAt))).toEqual([show(last + 3 * HOUR)]);
    expect(engine.verdicts.held).toBeGreaterThan(200);
    expect(engine.verdicts.late).toBeLessThanOrEqual(3);
    void MIN;
  });
});
