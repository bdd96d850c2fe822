// Scenario: a learned household's surge explanations. The grid worker reads the text to judge
// how unusual the water is ("远超该住户平时一小时最多约 X 升").
//
// Guards the fix (found by the detector bug hunt). What they saw before it: the figure presented as "this household's usual maximum" is the alert
// *threshold*, not what the household does. An hourly meter whose household never used more
// than ~124 L in an hour, running 600 L in an hour, reads "远超该住户平时一小时最多约 500 升"
// (500 is the threshold floor: max(500 L, 2 × learned)). A run on an hourly meter whose learned
// longest run is 0 reads "超过该住户平时最长用水时长（约 60 分钟）" (the threshold, learned × 1.3 +
// one interval); on a 1-minute meter whose longest run was 16 min it reads "约 25 分钟".
// explainShortVolume gets this right (it is given both the usual and the threshold).
//
// What happens now (explain-surge.ts): a figure called the household's usual is the learned usual,
// and the threshold is named as the alert's limit ("告警线"); while nothing is learned, the fixed
// threshold is stated as a limit.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig as cfg } from '../../src/detect/config.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import { MIN, at, between, drive, household, raises, summary } from './timeline.ts';

describe('surge texts state the household\'s usual, not the threshold', () => {
  it('hour volume: "平时一小时最多约 N 升" is the learned hourly maximum', () => {
    const h = household({ cadenceMin: 60, days: 16, seed: 5 });
    h.tap(at(14, '10:00'), 10, at(14, '12:00'));
    const d = createDetector(cfg);
    const { events: before } = drive(d, between(h.readings(), 0, at(14, '10:00')));
    expect(raises(before, 'surge')).toEqual([]);
    const usual = meterOf(d, h.meterId).flow.learnedMaxHourL;
    expect(usual).toBeLessThan(200);
    const { events } = drive(d, between(h.readings(), at(14, '10:00')));
    const s = raises(events, 'surge')[0];
    expect(s, summary(events).join('\n')).toBeDefined();
    const zh = s!.reason.zh.match(/平时一小时最多约 (\d+) 升/);
    const en = s!.reason.en.match(/usual hourly maximum \(about (\d+) L\)/);
    if (zh) expect(Number(zh[1]), s!.reason.zh).toBeLessThanOrEqual(Math.ceil(usual * 1.05));
    if (en) expect(Number(en[1]), s!.reason.en).toBeLessThanOrEqual(Math.ceil(usual * 1.05));
  });

  it.each([1, 60])('%i-min meter, run: "平时最长用水时长（约 N 分钟）" is the learned longest run', (cadenceMin) => {
    const h = household({ cadenceMin, days: 16, seed: 5 });
    h.tap(at(14, '10:00'), 8, at(14, '14:00')); // 480 L/h: under the hour rule's 500 L
    const d = createDetector(cfg);
    drive(d, between(h.readings(), 0, at(14, '10:00')));
    const usualMin = meterOf(d, h.meterId).flow.learnedMaxRunMs / MIN;
    const { events } = drive(d, between(h.readings(), at(14, '10:00')));
    const s = raises(events, 'surge')[0];
    expect(s, summary(events).join('\n')).toBeDefined();
    const zh = s!.reason.zh.match(/平时最长用水时长（约 (\d+) 分钟）/);
    expect(s!.reason.facts, s!.reason.zh).toHaveProperty('runMinutes'); // the run rule raised it
    // Where the text calls a figure the household's usual longest use, it is that.
    if (zh) expect(Number(zh[1]), `${s!.reason.zh} (learned longest run ${usualMin} min)`).toBeLessThanOrEqual(Math.ceil(usualMin) + 1);
    const en = s!.reason.en.match(/usual longest use \(about (\d+) min\)/);
    if (en) expect(Number(en[1]), s!.reason.en).toBeLessThanOrEqual(Math.ceil(usualMin) + 1);
  });
});
