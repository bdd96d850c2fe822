// Snapshots written before issue 9 (no delivery/clock state, no reorder buffer, no check-in
// fields) still load: the new fields take their defaults and the meter relearns only its
// delivery pattern (src/service/meter-state-schema.ts).
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { SNAPSHOT_VERSION, decodeMeterState } from '../../src/service/detector-snapshot.ts';
import { encodeSnapshot } from '../../src/service/snapshot-codec.ts';
import { HOUR, drive, household } from './timeline.ts';

describe('snapshot compatibility', () => {
  it('a pre-issue-9 snapshot decodes with defaults for the new fields', () => {
    const d = createDetector(defaultDetectorConfig);
    drive(d, household({ cadenceMin: 15, days: 9, seed: 3 }).readings());
    const m = d.meters.get('m-1')!;
    const { delivery: _d, held: _h, noUsageCheckIn: _c, noUsageSince: _s, ...old } = m;
    const register = { lastTs: m.register.lastTs, lastTotal: m.register.lastTotal, pending: m.register.pending };
    const { taught: _t, ...routine } = { ...m.routine, cache: null };
    const flow = { ...m.flow, days: m.flow.days.map(({ maxSteadyMs: _x, ...day }) => day) };
    const state = encodeSnapshot({ ...old, register, routine, flow, arrivalGaps: [HOUR, HOUR] });
    const res = decodeMeterState({ meterId: 'm-1', version: SNAPSHOT_VERSION, state });
    expect(res.ok, res.ok ? '' : res.why).toBe(true);
    if (!res.ok) return;
    expect(res.state.held).toEqual([]);
    expect(res.state.delivery.offsetMs).toBe(0);
    expect(res.state.noUsageCheckIn).toBe(false);
    expect(res.state.routine.taught).toEqual([]);
    expect(res.state.register.recent).toEqual([]);
    expect(res.state.routine.learnedDays).toBe(m.routine.learnedDays);
  });
});
