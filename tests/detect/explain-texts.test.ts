// Every explanation a grid worker can read, for every meter type: the numbers in it are never
// zero or nonsense ("已 0.0 小时没有上报（通常每 0 分钟一次）" was issue 9's report).
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { describeDuration, describeInterval } from '../../src/detect/delivery.ts';
import { createDetector } from '../../src/detect/detector.ts';
import * as ex from '../../src/detect/explain.ts';
import type { Explanation } from '../../src/domain/alert.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, MIN, at, batch, drive, dropGap, household, raises } from './timeline.ts';

const cfg = defaultDetectorConfig;
/** No "0.0", no "every 0", no NaN/Infinity/undefined, in either language. */
function sane(e: Explanation): void {
  for (const text of [e.zh, e.en]) {
    expect(text).not.toMatch(/(^|[^\d.])0(\.0)? ?(小时|分钟|h\b|min\b)/);
    expect(text).not.toMatch(/NaN|Infinity|undefined|null/);
    expect(text).not.toMatch(/每 0|every 0/);
  }
  for (const v of Object.values(e.facts)) expect(String(v)).not.toMatch(/NaN|Infinity|undefined/);
}

describe('offline explanations, every meter type', () => {
  it.each([
    ['1-min', 1, (rs: Reading[]) => rs, '每分钟', 'every minute'],
    ['15-min', 15, (rs: Reading[]) => rs, '每 15 分钟', 'every 15 min'],
    ['hourly batch (one message)', 15, (rs: Reading[]) => batch(rs), '每小时', 'every hour'],
    ['2-hourly batch', 15, (rs: Reading[]) => batch(rs, 2 * HOUR), '每 2 小时', 'every 2 h'],
    ['hourly meter', 60, (rs: Reading[]) => rs, '每小时', 'every hour'],
  ])('%s meter: "通常…上报一次，已 N 未上报" with the delivery interval', (_n, cadenceMin, deliver, zh, en) => {
    const h = household({ cadenceMin, days: 3, seed: 3 });
    const rs = deliver(dropGap(h.readings(), at(1, '10:00') + 1, at(2, '10:00')));
    const { events } = drive(createDetector(cfg), rs, { tickMs: MIN, until: at(3, '00:00') });
    const [off] = raises(events, 'offline');
    expect(off).toBeDefined();
    sane(off!.reason);
    expect(off!.reason.zh).toMatch(new RegExp(`^水表通常${zh}上报一次，已 [\\d.]+ (分钟|小时)未上报（最后一次在 \\d\\d:\\d\\d）`));
    expect(off!.reason.en).toContain(`usually reports ${en}; it has not reported for`);
  });

  it('a meter that delivered once: "首次上报后已 N 没有再上报", no interval claimed', () => {
    for (const e of [ex.explainOffline(26 * HOUR + 5 * MIN, NaN, at(1, '02:01'), 480), ex.explainOffline(3 * HOUR, NaN, at(0, '10:00'), 480)]) {
      sane(e);
      expect(e.zh).toMatch(/^水表首次上报后已 [\d.]+ 小时没有再上报（最后一次在 \d\d:\d\d；上报规律尚未掌握）/);
      expect(e.zh).not.toMatch(/通常/);
      expect(e.facts).not.toHaveProperty('cadenceMinutes');
    }
  });

  it('a report-on-change meter: told by its heartbeat, never its reading spacing or a loss rate', () => {
    for (const [silent, beat] of [[3 * HOUR + 5 * MIN, HOUR], [18 * HOUR, 6 * HOUR], [50 * MIN, 15 * MIN]] as const) {
      const e = ex.explainOffline(silent, MIN, at(0, '10:00'), 480, 0.6, beat);
      sane(e);
      expect(e.zh).toMatch(/^水表在用水时上报，不用水时约(每小时|每 \d+(\.5)? 小时|每 \d+ 分钟)上报一次，已 [\d.]+ (分钟|小时)未上报（最后一次在 \d\d:\d\d）/);
      expect(e.zh).not.toMatch(/每分钟|丢失/);
      expect(e.facts).toMatchObject({ heartbeatMinutes: beat / MIN });
      expect(e.facts).not.toHaveProperty('lossPercent');
    }
  });

  it('durations and intervals read like people say them', () => {
    expect(describeInterval(60_000).zh).toBe('每分钟');
    expect(describeInterval(5 * MIN).zh).toBe('每 5 分钟');
    expect(describeInterval(HOUR).zh).toBe('每小时');
    expect(describeInterval(6 * HOUR).zh).toBe('每 6 小时');
    expect(describeInterval(24 * HOUR).zh).toBe('每天');
    expect(describeDuration(10_000).zh).toBe('1 分钟'); // never "0"
    expect(describeDuration(3 * MIN).zh).toBe('3 分钟');
    expect(describeDuration(3 * HOUR).zh).toBe('3 小时');
    expect(describeDuration(3 * 24 * HOUR).en).toBe('3 days');
  });
});

describe('every other explanation', () => {
  it.each<[string, Explanation]>([
    ['morning, just past the usual first use', ex.explainMorning(at(0, '21:00'), at(1, '07:30'), 7 * 60 + 30, 10 * HOUR, 480)],
    ['silence, backstop', ex.explainSilence(at(0, '10:00'), at(0, '22:00'), { deadline: at(0, '22:00'), learned: false, precedentEnd: NaN, checkInDeadline: at(0, '18:00'), comparableDays: 3 }, 3, 480)],
    ['silence, learned precedent', ex.explainSilence(at(0, '19:05'), at(1, '00:30'), { deadline: at(1, '00:30'), learned: true, precedentEnd: at(0, '22:37'), checkInDeadline: at(0, '23:30'), comparableDays: 28 }, 28, 480)],
    ['silence, no precedent', ex.explainSilence(at(0, '10:00'), at(0, '12:00'), { deadline: at(0, '12:00'), learned: true, precedentEnd: NaN, checkInDeadline: at(0, '12:00'), comparableDays: 9 }, 9, 480)],
    ['run', ex.explainRun(40 * MIN, 300, 30 * MIN, false)],
    ['run while away', ex.explainRun(20 * MIN, 100, 15 * MIN, true)],
    ['sustained run', ex.explainSustainedRun(75 * MIN, 600, 7.5, 45 * MIN, 60 * MIN)],
    ['steady coarse flow', ex.explainSteady(2.5 * HOUR, 450, 15 * MIN, 10)],
    ['short volume', ex.explainShortVolume(400, 15 * MIN, 250, NaN)],
    ['hour volume', ex.explainVolume(950, 900, false)],
    ['leak', ex.explainLeak(21 * HOUR, 0.05)],
    ['fault', ex.explainFault('absurd-jump', 248_000)],
    ['clock fast', ex.explainClock(2 * HOUR)],
    ['clock slow', ex.explainClock(-45 * MIN)],
    ['battery', ex.explainBattery(12)],
    ['register too coarse for no-usage', ex.explainCoarseRegister(100)],
  ])('%s', (_n, e) => {
    sane(e);
    expect(e.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(e.en).toMatch(/[a-z]/);
  });

  it('a steady coarse flow names the interval and the litres in both languages', () => {
    const e = ex.explainSteady(2.5 * HOUR, 450, 15 * MIN, 10);
    expect(e.zh).toBe('已连续 2.5 小时每 15 分钟都在用水，平均每次读数约 45 升（约每分钟 3 升），比该住户平时持续得久：可能是水龙头未关或水管漏水。');
    expect(e.en).toContain('every reading interval (every 15 min) for 2.5 h, about 45 L each (about 3 L/min)');
  });
});
