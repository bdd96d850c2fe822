// Daily NB-IoT meters: a day of readings uploaded once a day (02:00 China time here), the first
// upload only part of a day (the meter was installed at 21:00). Before the gap to its next upload
// is known, a meter is not "offline" after the default hourly cadence's three intervals (it was: one false alert per daily meter at start-up, 0.5 per
// household-month on a daily-delivery replay of sim-15min); once learned it is offline after three
// missed days, and every text says what is known.
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { DAY, EPOCH, HOUR, at, between, drive, household, raises, summary } from './timeline.ts';

const cfg = defaultDetectorConfig;
/** Delivered once a day at 02:00 local (+ a minute): every reading of the day before. */
const daily = (rs: Reading[]): Reading[] => rs.map((r) => ({ ...r, receivedAt: EPOCH + (Math.floor((r.ts - EPOCH - 2 * HOUR) / DAY) + 1) * DAY + 2 * HOUR + 60_000 }));

/** A daily-upload meter installed at d0 21:00 whose last upload is on day `lastDay` at
 *  02:01, ticked every 5 min until `until`: its one offline raise, `waited` after that upload
 *  (to the next tick). */
function silentAfter(days: number, lastDay: number, until: number, waited: number) {
  const h = household({ cadenceMin: 60, days, seed: 3 });
  const rs = daily(between(h.readings(), at(0, '21:00'), at(lastDay, '02:00')));
  const { events } = drive(createDetector(cfg), rs, { tickMs: 5 * 60_000, until });
  const off = raises(events, 'offline');
  expect(off, summary(events).join('\n')).toHaveLength(1);
  expect(off[0]!.at - at(lastDay, '02:01')).toBeGreaterThanOrEqual(waited);
  expect(off[0]!.at - at(lastDay, '02:01')).toBeLessThan(waited + 5 * 60_000); // the next tick
  return off[0]!;
}

describe('daily-upload meters', () => {
  it('a partial first upload, then one a day for 3 weeks: never offline', () => {
    const h = household({ cadenceMin: 60, days: 22, seed: 3 });
    const rs = daily(between(h.readings(), at(0, '21:00'), at(21, '02:00')));
    const { events } = drive(createDetector(cfg), rs, { tickMs: 5 * 60_000, until: at(21, '02:00') + 20 * HOUR });
    expect(raises(events, 'offline'), summary(events).join('\n')).toEqual([]);
  });

  it('silent after its first (partial) upload: offline only a day and more later, saying its pattern is not known yet', () => {
    const off = silentAfter(3, 1, at(3, '12:00'), cfg.offline.unlearnedMs);
    expect(off.reason.zh).toMatch(/首次上报后已 26\.\d 小时没有再上报/);
    expect(off.reason.zh).toMatch(/上报规律尚未掌握/);
    expect(off.reason.en).toMatch(/not known yet/);
    expect(off.reason.zh).not.toMatch(/每 0|0\.0 小时/);
  });

  it('learned as daily, then silent: offline after three missed days, "通常每天上报一次"', () => {
    const off = silentAfter(12, 8, at(12, '12:00'), 3 * DAY);
    expect(off.reason.zh).toMatch(/水表通常每天上报一次，已 3 天未上报/);
  });

  it('any meter that delivered once and went silent: offline after unlearnedMs, not after an assumed cadence', () => {
    const h = household({ cadenceMin: 15, days: 3, seed: 3 });
    const rs = between(h.readings(), at(0, '10:00'), at(0, '10:01'));
    const { events } = drive(createDetector(cfg), rs, { tickMs: 60_000, until: at(2, '18:00') });
    const off = raises(events, 'offline');
    expect(off).toHaveLength(1);
    expect(off[0]!.at - at(0, '10:00')).toBe(cfg.offline.unlearnedMs);
    expect(off[0]!.reason.en).toMatch(/since its first report/);
  });
});
