import { describe, expect, it } from 'vitest';
import { iso } from '../../device-sim/sim-time.ts';
import { DAY, FROM, HOUR, MINUTE, meter, run, type Flat } from './helpers.ts';

const T = FROM + 20 * DAY + 9 * HOUR; // 09:00 local, after 20 days of routine

/** Litres used in each minute from `a` to `b`, from a 1-min series. */
function perMinute(flat: readonly Flat[], a: number, b: number): number[] {
  const byTs = new Map(flat.map((r) => [r.ts, r.totalLiters]));
  const out: number[] = [];
  for (let t = a + MINUTE; t <= b; t += MINUTE) out.push((byTs.get(t) as number) - (byTs.get(t - MINUTE) as number));
  return out;
}

describe('safety scenarios', () => {
  it('incapacitation: no water at all from t until rescue, then life resumes; labelled no-usage from t', () => {
    const sim = meter({ scenarios: [{ name: 'incapacitation', at: T, durationMs: 24 * HOUR }] });
    const { flat } = run(sim, T + 3 * DAY);
    expect(perMinute(flat, T, T + 24 * HOUR).every((x) => x === 0)).toBe(true);
    expect(perMinute(flat, T + 24 * HOUR, T + 3 * DAY).some((x) => x > 0)).toBe(true);
    expect(sim.events).toEqual([{ meterId: 'm-test', type: 'no-usage', scenario: 'incapacitation', start: iso(T), end: iso(T + 24 * HOUR) }]);
  });

  it('shower-fall: the shower runs on at a steady ~7 L/min with nothing else; surge from shower start + 20 min', () => {
    const sim = meter({ scenarios: [{ name: 'shower-fall', at: T, durationMs: 6 * HOUR }] });
    const { flat } = run(sim, T + 7 * HOUR);
    const minutes = perMinute(flat, T, T + 6 * HOUR);
    const lpm = minutes[0] as number;
    expect(lpm).toBeGreaterThanOrEqual(6.5);
    expect(lpm).toBeLessThanOrEqual(7.5);
    for (const x of minutes) expect(x).toBeCloseTo(lpm, 2);
    expect(sim.events[0]).toMatchObject({ type: 'surge', start: iso(T + 20 * MINUTE), end: iso(T + 6 * HOUR), alsoAccept: ['no-usage', 'leak'] });
  });

  it('burst-pipe: 15–30 L/min on top of normal use, surge from t', () => {
    const sim = meter({ scenarios: [{ name: 'burst-pipe', at: T, durationMs: 4 * HOUR }] });
    const { flat } = run(sim, T + 6 * HOUR);
    const minutes = perMinute(flat, T, T + 4 * HOUR);
    for (const x of minutes) expect(x).toBeGreaterThanOrEqual(15 - 1e-6);
    const after = perMinute(flat, T + 4 * HOUR, T + 5 * HOUR).reduce((a, b) => a + b, 0);
    expect(after).toBeLessThan(200); // fixed: back to household use
    expect(sim.events[0]).toMatchObject({ type: 'surge', scenario: 'burst-pipe', start: iso(T), alsoAccept: ['leak'] });
  });

  it('tap-left-running: at least 2 L/min for hours; surge counted from t + 20 min (a long normal use)', () => {
    const sim = meter({ scenarios: [{ name: 'tap-left-running', at: T }] });
    const { flat } = run(sim, T + 7 * HOUR);
    for (const x of perMinute(flat, T, T + 6 * HOUR)) expect(x).toBeGreaterThanOrEqual(2 - 1e-6);
    expect(sim.events[0]).toMatchObject({ type: 'surge', start: iso(T + 20 * MINUTE), alsoAccept: ['leak'] });
  });

  it('slow-leak: the register never stands still again, even at night', () => {
    const sim = meter({ scenarios: [{ name: 'slow-leak', at: T, durationMs: 3 * DAY }] });
    const { flat } = run(sim, T + 4 * DAY);
    const night = (day: number) => FROM + day * DAY + 2 * HOUR; // 02:00–04:00 local
    expect(perMinute(flat, night(19), night(19) + 2 * HOUR).some((x) => x === 0)).toBe(true);
    for (const x of perMinute(flat, night(21), night(21) + 2 * HOUR)) expect(x).toBeGreaterThanOrEqual(0.05 - 0.002);
    expect(sim.events[0]).toMatchObject({ type: 'leak', scenario: 'slow-leak', start: iso(T) });
  });
});

describe('meter and data faults', () => {
  it('meter-offline: nothing is sent for the period; labelled from the first missed report', () => {
    const at = T + 7 * MINUTE;
    const sim = meter({ cadence: '15min', scenarios: [{ name: 'meter-offline', at, durationMs: 10 * HOUR }] });
    const { reports } = run(sim, T + DAY);
    expect(reports.filter((r) => r.sendAt >= at && r.sendAt < at + 10 * HOUR)).toEqual([]);
    expect(sim.events).toEqual([{ meterId: 'm-test', type: 'offline', scenario: 'meter-offline', start: iso(T + 15 * MINUTE), end: iso(at + 10 * HOUR) }]);
  });

  it('glitch-jump: one reading jumps by ~248,000 L, the next is back to normal', () => {
    const sim = meter({ cadence: '15min', scenarios: [{ name: 'glitch-jump', at: T }] });
    const { flat } = run(sim, T + 2 * HOUR);
    const i = flat.findIndex((r) => r.ts === T);
    expect(flat[i]!.totalLiters - flat[i - 1]!.totalLiters).toBeGreaterThan(248_000);
    expect(flat[i + 1]!.totalLiters - flat[i - 1]!.totalLiters).toBeLessThan(100);
    expect(sim.events).toEqual([{ meterId: 'm-test', type: 'data-fault', scenario: 'glitch-jump', start: iso(T), end: iso(T + 15 * MINUTE) }]);
  });

  it('counter-reset: the register drops to near 0 and keeps counting from there', () => {
    const sim = meter({ cadence: '1min', scenarios: [{ name: 'counter-reset', at: T }] });
    const { flat } = run(sim, T + DAY);
    const i = flat.findIndex((r) => r.ts === T);
    expect(flat[i - 1]!.totalLiters).toBeGreaterThan(1000);
    expect(flat[i]!.totalLiters).toBeLessThanOrEqual(3);
    for (let k = i + 1; k < flat.length; k++) expect(flat[k]!.totalLiters).toBeGreaterThanOrEqual(flat[k - 1]!.totalLiters);
    expect(flat.at(-1)!.totalLiters).toBeGreaterThan(20); // a day of use after the reset
    expect(sim.events[0]).toMatchObject({ type: 'data-fault', scenario: 'counter-reset', start: iso(T) });
  });

  it('duplicates: re-sent reports carry exactly the content of an earlier one and are not labelled', () => {
    const sim = meter({ cadence: 'hourly-batch', scenarios: [{ name: 'duplicates', at: T, durationMs: 12 * HOUR }] });
    const { reports } = run(sim, T + DAY);
    const resent = reports.filter((r) => r.resend);
    expect(resent.length).toBeGreaterThan(0);
    for (const r of resent) {
      const original = reports.find((o) => !o.resend && o.sendAt < r.sendAt && o.readings[0]!.ts === r.readings[0]!.ts);
      expect(original?.readings).toEqual(r.readings);
    }
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.sendAt).toBeGreaterThanOrEqual(reports[i - 1]!.sendAt);
    expect(sim.events).toEqual([]);
  });
});
