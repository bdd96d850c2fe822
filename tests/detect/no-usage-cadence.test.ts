// The same household on a fine and on coarse meters (issue 9): the no-usage delay may differ
// only by what the coarser data cannot show — the precedent's end known to one interval, and
// the wait for the first reading (or delivery) past the deadline — not by what is learned.
// (Measured on the simulator's seeds, eval/README.md: the same households lose 0.2–0.6 h
// mean from 1-min to hourly-batch meters; the large differences between the sim datasets
// are their households and the time of day of their incapacitations.)
import { describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { deadlineFor } from '../../src/detect/deadline.ts';
import { createDetector, meterOf } from '../../src/detect/detector.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, MIN, at, batch, between, drive, household, raises, show } from './timeline.ts';

const cfg = defaultDetectorConfig;

/** Up 06:30–22:00 with 2–4 uses an hour for 28 days; on day 28 nobody uses water after 10:00. */
const home = (cadenceMin: number) => household({ cadenceMin, days: 30, seed: 5 }).silence(at(28, '10:00'));

/** Driven until the evening of day 28, so the model is the one that judged the silence. */
function run(rs: Reading[]) {
  const d = createDetector(cfg);
  const { events } = drive(d, between(rs, 0, at(28, '20:00')));
  const nu = raises(events, 'no-usage');
  expect(nu.map((e) => show(e.observedAt).slice(0, 3))).toEqual(['d28']);
  const m = meterOf(d, 'm-1');
  const v = deadlineFor(m.routine, m.noUsageSince, cfg);
  return { observedAt: nu[0]!.observedAt, arrivedAt: nu[0]!.at, since: m.noUsageSince, deadline: v.deadline, precedentEnd: v.precedentEnd };
}

describe('no-usage on coarse meters: the same household, the same silence', () => {
  const fine = run(home(1).readings());

  it.each([15, 60])('%i-min meter: the precedent is the 1-min one to one interval, the alert comes within one interval of its deadline', (cadenceMin) => {
    const coarse = run(home(cadenceMin).readings());
    expect(fine.observedAt).toBeGreaterThanOrEqual(fine.deadline);
    expect(fine.observedAt - fine.deadline).toBeLessThan(MIN);
    const step = cadenceMin * MIN;
    // The silence starts at the end of the interval that held the last use (≤ one interval late)...
    expect(coarse.since - fine.since).toBeGreaterThanOrEqual(0);
    expect(coarse.since - fine.since).toBeLessThanOrEqual(step);
    // ...and the learned precedents are the same silences, their ends rounded up to the interval.
    expect(Math.abs(coarse.precedentEnd - fine.precedentEnd)).toBeLessThanOrEqual(step);
    // The first reading at or after the deadline raises it.
    expect(coarse.observedAt).toBeGreaterThanOrEqual(coarse.deadline);
    expect(coarse.observedAt - coarse.deadline).toBeLessThan(step);
    // In all: no later than the 1-min meter's alert plus about two intervals (the margin's
    // proportional part may move by a quarter of the precedent's rounding).
    expect(coarse.observedAt - fine.observedAt).toBeLessThanOrEqual(2.25 * step);
  });

  it('15-min readings delivered in hourly batches: the same deadline, the alert on the delivery after it', () => {
    const readings = home(15).readings();
    const polled = run(readings);
    const batched = run(batch(readings, HOUR));
    expect(batched.deadline).toBe(polled.deadline);
    expect(batched.arrivedAt).toBeGreaterThanOrEqual(batched.deadline);
    expect(batched.arrivedAt - polled.arrivedAt).toBeLessThanOrEqual(HOUR);
  });
});
