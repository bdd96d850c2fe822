// The check-in stage (issue 7 item 3) and learning from people's answers (issue 9 item 6).
import { describe, expect, it } from 'vitest';
import { applyDetectorEvent, createAlertBook } from '../../src/alerting/lifecycle.ts';
import { DetectorConfigSchema, defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import { deadlineFor } from '../../src/detect/deadline.ts';
import { learnFromOutcome } from '../../src/detect/learn.ts';
import type { VisitOutcome } from '../../src/domain/alert.ts';
import { HOUR, MIN, at, between, drive, household, raises, summary } from './timeline.ts';

const withCheckIn = DetectorConfigSchema.parse({ noUsage: { checkIn: { enabled: true } } });

describe('check-in stage', () => {
  it.each([1, 15, 60])('%i-min meter: a check-in raise comes first, earlier; the confirmed raise follows and the lifecycle escalates it', (cadenceMin) => {
    const h = household({ cadenceMin, days: 30, seed: 7 });
    const stop = at(28, '10:00');
    h.silence(stop, at(29, '06:00')).use(at(29, '06:00'));
    const plain = raises(drive(createDetector(defaultDetectorConfig), h.readings()).events, 'no-usage');
    const { events } = drive(createDetector(withCheckIn), h.readings());
    const nu = raises(events, 'no-usage').filter((e) => e.at >= stop);
    expect(nu.map((e) => e.stage ?? 'confirmed'), summary(events).join('\n')).toEqual(['check-in', 'confirmed']);
    expect(nu[0]!.at).toBeLessThan(nu[1]!.at);
    // The confirmed raise is the one the detector raises without a check-in stage: same time.
    expect(plain).toHaveLength(1);
    expect(nu[1]!.at).toBe(plain[0]!.at);
    expect(nu[0]!.reason.facts.thresholdHours).toBeLessThan(nu[1]!.reason.facts.thresholdHours as number);
    const book = createAlertBook();
    const changes = nu.flatMap((e) => applyDetectorEvent(book, e)).map((c) => c.kind);
    expect(changes).toEqual(['opened', 'escalated']);
  });

  it('off by default: the detector then raises only the confirmed alert', () => {
    expect(defaultDetectorConfig.noUsage.checkIn.enabled).toBe(false);
  });
});

describe('learning from answers', () => {
  /** A day out every Sunday-like 5th day is NOT in the history: the 9-hour silence is new. */
  /** `outcome` undefined: nobody answers; null: a person resolves the check-in without an outcome. */
  function run(outcome: VisitOutcome | null | undefined) {
    const h = household({ cadenceMin: 15, days: 40, seed: 9 });
    h.silence(at(28, '09:00'), at(28, '19:00')).use(at(28, '19:00'));
    h.silence(at(35, '09:00'), at(35, '19:00')).use(at(35, '19:00'));
    const d = createDetector(withCheckIn);
    const rs = h.readings();
    // Day 28: the check-in is answered "1" (elder fine) while the silence goes on.
    const first = drive(d, between(rs, 0, at(28, '12:00')));
    const asked = raises(first.events, 'no-usage');
    expect(asked.length).toBeGreaterThan(0);
    const taught = outcome === undefined ? false : learnFromOutcome(d, { meterId: 'm-1', type: 'no-usage', ...(outcome && { outcome }) }, at(28, '12:00'));
    const rest = drive(d, between(rs, at(28, '12:00')));
    return { taught, day28: raises(rest.events, 'no-usage').filter((e) => e.at < at(29, '00:00')), day35: raises(rest.events, 'no-usage').filter((e) => e.at >= at(35, '00:00') && e.at < at(36, '00:00')), d };
  }

  it("'elder-fine' teaches: the answered silence is not escalated, and the same silence a week later alarms later or not at all", () => {
    const base = run(undefined);
    const fine = run('elder-fine');
    expect(fine.taught).toBe(true);
    expect(fine.day28).toEqual([]); // the answered check-in is not escalated to the grid worker
    expect(base.day28.length).toBeGreaterThan(0);
    // The same silence a week later is normal (a precedent at least as long as the answered one).
    expect(base.day35.filter((e) => e.stage !== 'check-in')).toEqual([]);
    expect(fine.day35.filter((e) => e.stage !== 'check-in')).toEqual([]); // at most the elder is asked again
    const m = meterOf(fine.d, 'm-1');
    expect(m.routine.taught.length).toBe(2);
    const [from, to] = m.routine.taught as [number, number];
    expect(to).toBe(at(28, '12:00')); // silent at least until the answer
    const since = from + 7 * 24 * HOUR;
    expect(deadlineFor(m.routine, since, withCheckIn).deadline - since).toBeGreaterThan(to - from);
  });

  it.each<VisitOutcome>(['hospital', 'deceased', 'false-alarm', 'meter-fault', 'away-unregistered', 'other'])("'%s' never teaches, and ends the answered silence's alerting", (outcome) => {
    const r = run(outcome);
    expect(r.taught).toBe(false);
    expect(meterOf(r.d, 'm-1').routine.taught).toEqual([]);
    // Someone saw to the silence all the same: the check-in they resolved is not raised again
    // as a new confirmed alert later that day (without any answer it is).
    expect(r.day28).toEqual([]);
    expect(run(undefined).day28.map((e) => e.stage ?? 'confirmed')).toContain('confirmed');
  });

  it('a check-in resolved without an outcome teaches nothing, and is not escalated later for the same silence', () => {
    const r = run(null);
    expect(r.taught).toBe(false);
    expect(meterOf(r.d, 'm-1').routine.taught).toEqual([]);
    expect(r.day28).toEqual([]);
    // The silence stays held until use resumes: then the next one alerts as before.
    expect(meterOf(r.d, 'm-1').active.has('no-usage')).toBe(false);
  });

  it('a taught silence never pushes a deadline past the hard cap (a real incapacitation still alarms)', () => {
    const h = household({ cadenceMin: 15, days: 40, seed: 9 });
    h.silence(at(30, '09:00'));
    const d = createDetector(withCheckIn);
    drive(d, between(h.readings(), 0, at(30, '00:00')));
    // Teach an absurdly long "fine" silence.
    const m = meterOf(d, 'm-1');
    m.routine.taught.push(at(29, '08:00'), at(30, '08:00'));
    m.routine.version++;
    const { events } = drive(d, between(h.readings(), at(30, '00:00')));
    const confirmed = raises(events, 'no-usage').filter((e) => e.stage !== 'check-in');
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.observedAt - h.lastUseBefore(at(30, '09:00'))).toBeLessThanOrEqual(defaultDetectorConfig.noUsage.hardCapMs + 15 * MIN);
    void HOUR;
  });
});
