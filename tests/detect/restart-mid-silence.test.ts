// Guards the fix of a service restart in the middle of a silence (MeterState.serviceDownMs,
// set by restoreDetector), found by the detector bug hunt.
//
// Scenario: on day 15 the elder stops using water at ~09:30 (a fall). The Anxin service is
// stopped for a deploy at 11:31 (detector snapshot saved) and started again at 15:50 (snapshot
// restored); the meter's readings of those four hours never reached it. The first reading
// after the restart shows the register exactly where it was at the last reading before the stop: no water was used.
//
// What the grid worker saw before the fix: the no-usage alert that would have come at 14:00
// came at 21:15 instead (hourly meter: 15:00 → 21:00), and it read "自 16:00 起已 5.3 小时未用水" —
// a last use at 16:00 that never happened. The interval across the outage is longer than 3 h, so
// it was a "gap" and `lastUseAt` was set to its end even though its register did not move; the
// silence clock restarted at the first reading after the restart.
//
// What happens now: the service's own downtime is not the meter's silence (as for offline, the
// restore shifts it out): an interval across it whose register did not move is no gap, so the
// alert comes with the first reading after the restart and says the last use was 09:30. A meter
// that itself went silent for hours still restarts the silence clock (README, no-usage).
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { restoreDetector, snapshotRows } from '../../src/service/detector-snapshot.ts';
import { MIN, at, between, drive, household, raises, show, summary } from './timeline.ts';

describe('a detector restarted from its snapshot in the middle of a silence', () => {
  it.each([15, 60])('%i-min meter: the silence goes on from the last real use', (cadenceMin) => {
    const h = household({ cadenceMin, days: 18, seed: 5 });
    const stop = at(15, '10:00');
    h.silence(stop);
    const rs = h.readings();
    // Control: the same home with the service running throughout.
    const [control] = raises(drive(createDetector(cfg), rs, { tickMs: MIN, until: h.end }).events, 'no-usage').filter((e) => e.at > stop);
    expect(control).toBeDefined();

    const down = at(15, '11:31');
    const up = at(15, '15:50');
    const before = createDetector(cfg);
    drive(before, between(rs, 0, down), { tickMs: MIN });
    const after = createDetector(cfg);
    restoreDetector(after, snapshotRows(before, down), up, pino({ level: 'silent' }));
    const { events } = drive(after, between(rs, up), { tickMs: MIN, until: h.end });
    const [nu] = raises(events, 'no-usage');
    expect(nu, summary(raises(events)).join('\n')).toBeDefined();
    expect(nu!.at, `${show(nu!.at)}: ${nu!.reason.zh} (without the restart: ${show(control!.at)}, ${control!.reason.zh})`).toBeLessThanOrEqual(Math.max(control!.at, up + cadenceMin * MIN + MIN));
    expect(nu!.reason.facts.lastUse, nu!.reason.zh).toBe(control!.reason.facts.lastUse);
  });
});
