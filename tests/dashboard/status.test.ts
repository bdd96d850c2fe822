// The countdown the page shows is the detector's own: with a learned routine, the no-usage
// alert fires at the first reading at or after the `noUsageDeadline` that meterStatus
// reported during the silence — and reading the status changes nothing the detector decides.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, onReading } from '../../src/detect/detector.ts';
import { meterStatus } from '../../src/detect/status.ts';
import { simulateMeter } from '../../device-sim/meter-sim.ts';
import { makeProfile } from '../../device-sim/profile.ts';
import { Rng } from '../../device-sim/rng.ts';
import { resolveScenario } from '../../device-sim/scenarios.ts';

const HOUR = 3_600_000;
const DAY0 = Date.parse('2026-03-02T00:00:00+08:00');

function run(withStatus: boolean) {
  const rng = new Rng(5);
  const sim = simulateMeter({
    meterId: 'm1', profile: makeProfile('early-bird', rng), seed: 21, cadence: '15min', from: DAY0,
    scenarios: [resolveScenario({ name: 'incapacitation', at: DAY0 + 10 * 24 * HOUR + 11 * HOUR, durationMs: 30 * HOUR }, rng)],
  });
  const d = createDetector(defaultDetectorConfig);
  const seen: { ts: number; deadline: number | null; learned: boolean }[] = [];
  let fired: { at: number; ts: number } | undefined;
  for (let next = sim.reports.next(); !next.done && !fired; next = sim.reports.next()) {
    for (const r of next.value.readings) {
      if (withStatus) {
        const s = meterStatus(d, 'm1', next.value.sendAt);
        seen.push({ ts: r.ts, deadline: s.noUsageDeadline, learned: s.routineLearned });
      }
      const res = onReading(d, { meterId: 'm1', ts: r.ts, totalLiters: r.totalLiters, receivedAt: next.value.sendAt }, next.value.sendAt);
      const raise = res.events.find((e) => e.kind === 'raise' && e.type === 'no-usage');
      if (raise && r.ts > DAY0 + 10 * 24 * HOUR) fired = { at: raise.at, ts: r.ts };
    }
  }
  return { fired, seen, d };
}

describe('meterStatus (src/detect/status.ts)', () => {
  it('reports the deadline at which the no-usage rule then fires', () => {
    const { fired, seen } = run(true);
    expect(fired).toBeDefined();
    const before = seen.filter((s) => s.ts < fired!.ts);
    const last = before.at(-1)!;
    expect(last.learned).toBe(true);
    expect(last.deadline).not.toBeNull();
    // Fired by the first reading at or after the announced deadline, not before, not later.
    expect(fired!.ts).toBeGreaterThanOrEqual(last.deadline!);
    expect(last.ts).toBeLessThan(last.deadline!);
    // The countdown was stable through the silence: the same deadline for the last hours.
    const silence = before.filter((s) => s.ts > fired!.ts - 3 * HOUR);
    expect(new Set(silence.map((s) => s.deadline))).toEqual(new Set([last.deadline]));
  });

  it('reading the status does not change what the detector decides', () => {
    expect(run(true).fired).toEqual(run(false).fired);
  });

  it('an unknown meter has no status yet', () => {
    expect(meterStatus(createDetector(defaultDetectorConfig), 'nope', 0)).toMatchObject({ known: false, noUsageDeadline: null, lastUseAt: null });
  });
});

describe('what a meter cannot show (meterStatus.notWatched)', () => {
  const feed = (everyMin: number, days: number) => {
    const d = createDetector(defaultDetectorConfig);
    let total = 1000;
    for (let t = DAY0; t < DAY0 + days * 24 * HOUR; t += everyMin * 60_000) {
      total += 12; // some water in every interval
      onReading(d, { meterId: 'm1', ts: t, totalLiters: total, receivedAt: t + 60_000 }, t + 60_000);
    }
    return meterStatus(d, 'm1', DAY0 + days * 24 * HOUR);
  };

  it('a meter read every 6 h gets no leak rule, and says so with its interval', () => {
    expect(feed(360, 3)).toMatchObject({ notWatched: ['leak'], readingIntervalMs: 6 * HOUR });
  });

  it('a 15-minute or hourly meter is watched for everything', () => {
    expect(feed(15, 1)).toMatchObject({ notWatched: [], readingIntervalMs: 15 * 60_000 });
    expect(feed(60, 2)).toMatchObject({ notWatched: [], readingIntervalMs: HOUR });
  });

  it('until its interval is known, nothing is said', () => {
    expect(feed(360, 0.5)).toMatchObject({ notWatched: [], readingIntervalMs: null });
  });
});
