// Regression (an audit found it; fixed): an alert of ANY type inside a no-usage event's window (37.5 h for an injected 36 h
// stop) is "explained" and never a false alarm — including an offline alert while the meter kept
// reporting every hour, and leak/surge alerts while no water flowed at all. Those cannot be a
// reasonable reaction to an incapacitation (the README's examples — leak during a burst pipe,
// no-usage during an offline gap — are reactions to the water/data the event produced).
// Cause: eval/score.ts:162-163 (`explained` accepts any type for any non-data-fault event).
// Bias: FAVOURS the detector: false offline/leak/surge alerts during the 135 (tuning) + 114
// (held-out) injected 36 h stops, and during simulated incapacitations, are dropped from FA/hh-month
// and from the per-cadence false-offline target (≈ 6 % of real-home time is inside such windows).
// Correct: a no-usage event explains only no-usage alerts (and its alsoAccept); other events
// keep their wider excuse if wanted, or each event type lists the alert types it explains.
// LATENT: on main's last .eval-out run no anxin alert is affected (all absence alerts are one
// no-usage alert per absence; no cross-type alert in a no-usage window): the rule hides such alerts
// should a detector change raise them.
import { describe, expect, it } from 'vitest';
import type { DatasetLabels } from '../../eval/labels.ts';
import { scoreAlerts } from '../../eval/score.ts';
import { DAY, HOUR, iso } from '../../eval/trace.ts';

const D = Date.parse('2016-05-01T08:00:00Z');
const LABELS: DatasetLabels = {
  name: 'injected stop',
  meters: [{ meterId: 'daiad-x', cadence: 'hourly', from: iso(D - 40 * DAY), to: iso(D + 20 * DAY) }],
  events: [{ meterId: 'daiad-x', type: 'no-usage', scenario: 'incapacitation (injected: register stopped 36 h)', start: iso(D), end: iso(D + 36 * HOUR) }],
  normals: [],
};

describe('alerts of other types during an incapacitation', () => {
  it('a false offline alert and a leak alert while the register is stopped (meter reporting) are false alarms', () => {
    const s = scoreAlerts(LABELS, [
      { meterId: 'daiad-x', type: 'no-usage', openedAt: iso(D + 9 * HOUR) },
      { meterId: 'daiad-x', type: 'offline', openedAt: iso(D + 20 * HOUR) },
      { meterId: 'daiad-x', type: 'leak', openedAt: iso(D + 30 * HOUR) },
    ]);
    expect(s.byType['no-usage'].detected).toBe(1);
    expect(s.falseAlarms.total).toBe(2);
    expect(s.falseOfflineByCadence.hourly).toBeGreaterThan(0);
  });
});
