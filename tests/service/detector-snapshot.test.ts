// Detector snapshots: a learned MeterState survives encode → SQLite → decode exactly, and a
// snapshot that cannot be trusted is skipped with a warning (that meter relearns) without
// stopping the others or the start-up.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, offlineDeadline } from '../../src/detect/detector.ts';
import type { MeterState } from '../../src/detect/meter-state.ts';
import { loadConfig, parseConfig } from '../../src/config.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createMonitor } from '../../src/service/monitor.ts';
import { SNAPSHOT_VERSION, decodeMeterState, encodeMeterState, restoreDetector, snapshotRows } from '../../src/service/detector-snapshot.ts';
import { snapshotForm } from '../../src/service/meter-state-schema.ts';
import { HOUR, at, drive, household, raises } from '../detect/timeline.ts';
import { seedHousehold, tempStore } from '../store/temp-store.ts';

/** 30 days of a 15-min household, silent since 09:00 on the last day: learned, with no-usage raised. */
function learnedMeter(meterId = 'm-1'): MeterState {
  const h = household({ meterId, cadenceMin: 15, days: 30, seed: 7 });
  h.silence(at(29, '09:00'));
  const d = createDetector(defaultDetectorConfig);
  const { events } = drive(d, h.readings());
  expect(raises(events, 'no-usage')).toHaveLength(1);
  return d.meters.get(meterId)!;
}

function logSink() {
  const lines: { level: number; msg: string; meterId?: string; restored?: number; ignored?: number }[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 40) };
}

describe('a learned meter state', () => {
  it('comes back equal, with its NaN / Infinity unknowns and its raised conditions', () => {
    const m = learnedMeter();
    // What makes plain JSON unusable here is really in the state.
    expect(m.routine.learnedDays).toBeGreaterThanOrEqual(20);
    expect(m.awayFrom).toBeNaN();
    expect(m.flow.runTailMinLpm).toBe(Infinity);
    expect(m.active).toEqual(new Set(['no-usage']));

    const res = decodeMeterState({ meterId: 'm-1', version: SNAPSHOT_VERSION, state: encodeMeterState(m) });
    if (!res.ok) throw new Error(res.why);
    // The cached verdict is derived (and config-dependent): recomputed after a restore. The
    // number lists come back without their growth slack (snapshotForm).
    expect(res.state).toEqual(snapshotForm(m));
    expect(snapshotForm(m).routine).toEqual({ ...m.routine, days: snapshotForm(m).routine.days, cache: null });
    expect(res.state.flow.runTailMinLpm).toBe(Infinity);
    expect(res.state.lastFaultAt).toBeNaN();
    expect(res.state.active).toBeInstanceOf(Set);
  });

  it('shifts the last arrival by the downtime, so a restart does not make every meter offline', () => {
    const m = learnedMeter();
    const live = createDetector(defaultDetectorConfig);
    live.meters.set(m.meterId, m);
    const deadline = offlineDeadline(live, m);
    const savedAt = m.lastArrival + 5 * 60_000;
    const back = createDetector(defaultDetectorConfig);
    restoreDetector(back, snapshotRows(live, savedAt), savedAt + HOUR, pino({ level: 'silent' }));
    // The raised conditions come back (held until the meter's data clear them).
    expect(back.meters.get('m-1')!.active).toEqual(new Set(['no-usage']));
    expect(offlineDeadline(back, back.meters.get('m-1')!)).toBe(deadline + HOUR);
  });
});

describe('restoring at start-up', () => {
  it('skips an unknown version, unreadable text, a wrong shape or a wrong meter with a warning; the rest are restored', () => {
    const { store } = tempStore();
    const good = encodeMeterState(learnedMeter('m-1'));
    const T = at(30, '00:00');
    const broken = JSON.parse(good);
    delete broken.routine.days;
    store.detectorSnapshots.saveAll([
      { meterId: 'm-1', version: SNAPSHOT_VERSION, state: good, savedAt: T },
      { meterId: 'm-2', version: SNAPSHOT_VERSION + 1, state: good.replaceAll('m-1', 'm-2'), savedAt: T },
      { meterId: 'm-3', version: SNAPSHOT_VERSION, state: good.slice(0, 500), savedAt: T },
      { meterId: 'm-4', version: SNAPSHOT_VERSION, state: JSON.stringify(broken).replaceAll('m-1', 'm-4'), savedAt: T },
      { meterId: 'm-5', version: SNAPSHOT_VERSION, state: good, savedAt: T },
      { meterId: 'm-6', version: SNAPSHOT_VERSION, state: good.replace('"no-usage"', '"flood"').replaceAll('m-1', 'm-6'), savedAt: T },
    ]);
    for (let i = 1; i <= 6; i++) seedHousehold(store, `hh-${i}`, `m-${i}`);
    const { logger, lines, warnings } = logSink();
    const monitor = createMonitor({ store, metrics: createMetrics(), detector: defaultDetectorConfig, clock: () => T, logger });

    expect([...monitor.detector.meters.keys()]).toEqual(['m-1']);
    expect(monitor.detector.meters.get('m-1')!.routine.learnedDays).toBeGreaterThanOrEqual(20);
    expect(warnings().map((w) => [w.meterId, w.msg])).toEqual([
      ['m-2', expect.stringMatching(new RegExp(`relearns: snapshot format version ${SNAPSHOT_VERSION + 1}, this build reads ${SNAPSHOT_VERSION} and 1$`))],
      ['m-3', expect.stringMatching(/relearns: unreadable snapshot: /)],
      ['m-4', expect.stringMatching(/relearns: malformed snapshot: routine\.days: /)],
      ['m-5', expect.stringMatching(/relearns: snapshot holds meter "m-1"$/)],
      ['m-6', expect.stringMatching(/relearns: malformed snapshot: active: /)],
    ]);
    expect(lines.find((l) => l.msg === 'detector state restored')).toMatchObject({ restored: 1, ignored: 5 });

    // A skipped meter simply starts learning again.
    monitor.onReadings([{ meterId: 'm-2', ts: T, totalLiters: 10, receivedAt: T }]);
    expect(monitor.detector.meters.get('m-2')!.routine.learnedDays).toBe(0);
  });

  it('keeps the conditions the snapshot had raised and adds the open alerts in the store', () => {
    const { store } = tempStore();
    const m = learnedMeter('m-1'); // the snapshot says no-usage is raised (confirmed)...
    m.active.add('offline'); // ...and offline, which was cleared after the snapshot
    const T = at(30, '00:00');
    seedHousehold(store);
    store.detectorSnapshots.saveAll([{ meterId: 'm-1', version: SNAPSHOT_VERSION, state: encodeMeterState(m), savedAt: T }]);
    // ...but it was resolved (by an operator, after the snapshot), and a leak is open.
    const reason = { zh: '漏水', en: 'leak', facts: {} };
    store.alerts.insert({ id: 'al-1', meterId: 'm-1', type: 'leak', status: 'open', openedAt: T, observedAt: T, reason });
    const monitor = createMonitor({ store, metrics: createMetrics(), detector: defaultDetectorConfig, clock: () => T, logger: pino({ level: 'silent' }) });
    // The resolved no-usage stays held: the same silence must not alert twice (any use since
    // the snapshot shows in the cumulative register's next reading and clears it); so does
    // offline, until the meter's next reading.
    expect(monitor.detector.meters.get('m-1')!.active).toEqual(new Set(['leak', 'no-usage', 'offline']));
  });

  it('holds a no-usage check-in whose alert is no longer open (a person resolved it): not escalated later', () => {
    const { store } = tempStore();
    const m = learnedMeter('m-1');
    m.noUsageCheckIn = true;
    const T = at(30, '00:00');
    seedHousehold(store);
    store.detectorSnapshots.saveAll([{ meterId: 'm-1', version: SNAPSHOT_VERSION, state: encodeMeterState(m), savedAt: T }]);
    const monitor = createMonitor({ store, metrics: createMetrics(), detector: defaultDetectorConfig, clock: () => T, logger: pino({ level: 'silent' }) });
    const back = monitor.detector.meters.get('m-1')!;
    expect(back.active).toEqual(new Set(['no-usage']));
    expect(back.noUsageCheckIn).toBe(false);
  });
});

describe('configuration', () => {
  it('saves every 5 minutes unless told otherwise (config file or ANXIN_SNAPSHOT_MINUTES), 1–60', () => {
    expect(parseConfig({}).snapshotMinutes).toBe(5);
    expect(loadConfig({ ANXIN_SNAPSHOT_MINUTES: '15' }).snapshotMinutes).toBe(15);
    expect(() => parseConfig({ snapshotMinutes: 0 })).toThrow(/snapshotMinutes/);
  });
});
