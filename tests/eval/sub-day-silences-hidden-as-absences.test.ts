// Regression (an audit found it; fixed): any silence of ≥ 20 h in a real home is labelled an `absence` normal period, and every
// alert inside it goes to the "ABS alerts" line instead of FA/hh-month — although the README and
// the tables say that line is for "unannounced MULTI-DAY absences (trips nobody registered)".
// A 21 h silence (an evening out and a late morning, or a home the person never left) is not a
// multi-day absence; the detector's no-usage hard cap is 14 h, so it alarms in almost every one.
// Cause: device-sim/real-homes.ts:15 (ABSENCE_MS = 20 h) + :53 (findAbsences labels it
// "absence: …"), excused by eval/score.ts:29 (ABSENCE_KINDS 'absence') and :209 (summarise).
// Bias: FAVOURS the detector (and every rule): on the real-homes tuning set 82 of the 144
// labelled absences are under 48 h (held-out f7b27eee: 45 of 52). On main's last .eval-out run
// 68 anxin alerts sit in such sub-48 h "absences" on real-homes (FA 1.13 → 1.75 /hh-month if
// counted) and 46 on real-homes-heldout (1.30 → 1.93).
// Correct: only silences of at least two days (multi-day) are absences; alerts in shorter
// silences are false alarms (or attribute them to a non-excused kind such as "long silence").
import { describe, expect, it } from 'vitest';
import { findAbsences } from '../../device-sim/real-homes.ts';
import type { DatasetLabels } from '../../eval/labels.ts';
import { scoreAlerts } from '../../eval/score.ts';
import { HOUR, iso } from '../../eval/trace.ts';

const D = Date.parse('2016-03-01T00:00:00Z');
const METER = 'daiad-x';

// Hourly readings for 3 days, 5 L every hour except a 21 h silence from hour 30 to hour 51.
const lines = Array.from({ length: 72 }, (_, h) => h).reduce<{ meterId: string; ts: string; totalLiters: number }[]>((acc, h) => {
  const prev = acc.at(-1)?.totalLiters ?? 1000;
  const silent = h > 30 && h <= 51;
  acc.push({ meterId: METER, ts: iso(D + h * HOUR), totalLiters: h === 0 ? 1000 : prev + (silent ? 0 : 5) });
  return acc;
}, []);

describe('a 21-hour silence is not a multi-day absence', () => {
  it('an alert 14 h into a 21 h silence is a false alarm, not an "absence" alert', () => {
    const normals = findAbsences(lines, METER);
    const labels: DatasetLabels = {
      name: 'one home',
      meters: [{ meterId: METER, cadence: 'hourly', from: lines[0]!.ts, to: iso(D + 72 * HOUR) }],
      events: [],
      normals,
    };
    const s = scoreAlerts(labels, [{ meterId: METER, type: 'no-usage', openedAt: iso(D + 44 * HOUR) }]);
    expect(s.falseAlarms.total).toBe(1);
    expect(s.absences.alerts).toBe(0);
  });
});
