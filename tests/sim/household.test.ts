import { describe, expect, it } from 'vitest';
import { planDays, type DayPlan } from '../../device-sim/day-plan.ts';
import { makeProfile, ARCHETYPES, type Archetype } from '../../device-sim/profile.ts';
import { Rng } from '../../device-sim/rng.ts';
import { CST_OFFSET } from '../../device-sim/sim-time.ts';
import { activityToSegments, type FlowSegment } from '../../device-sim/usage.ts';
import { DAY, FROM, HOUR, MINUTE, meter, run } from './helpers.ts';

function days(archetype: Archetype, seed: number, n: number): { plans: DayPlan[]; segments: FlowSegment[] } {
  const rng = new Rng(seed);
  const profile = makeProfile(archetype, rng.fork('profile'));
  const gen = planDays(profile, rng.fork('plan'), FROM);
  const plans = Array.from({ length: n }, () => gen.next().value as DayPlan);
  const usage = rng.fork('usage');
  return { plans, segments: plans.flatMap((p) => p.activities.flatMap((a) => activityToSegments(a, profile, usage))) };
}

const litres = (s: FlowSegment) => (s.lpm * (s.end - s.start)) / MINUTE;
const localHour = (t: number) => (((t + CST_OFFSET) % DAY) + DAY) % DAY / HOUR;

describe('household profiles', () => {
  it.each(ARCHETYPES.filter((a) => a !== 'couple'))('%s uses a realistic 80–250 L/day', (archetype) => {
    for (const seed of [1, 2, 3]) {
      const sim = meter({ archetype, seed, cadence: '15min' });
      const { flat } = run(sim, FROM + 60 * DAY);
      const perDay = (flat.at(-1)!.totalLiters - flat[0]!.totalLiters) / 60;
      expect(perDay).toBeGreaterThan(80);
      expect(perDay).toBeLessThan(250);
    }
  });

  it('a couple uses more than one person, but less than three', () => {
    const single = run(meter({ archetype: 'early-bird', seed: 5, cadence: '15min' }), FROM + 60 * DAY).flat;
    const couple = run(meter({ archetype: 'couple', seed: 5, cadence: '15min' }), FROM + 60 * DAY).flat;
    const perDay = (f: typeof single) => (f.at(-1)!.totalLiters - f[0]!.totalLiters) / 60;
    expect(perDay(couple)).toBeGreaterThan(perDay(single));
    expect(perDay(couple)).toBeLessThan(3 * 250);
  });

  it('the first use of a day is in the morning, varying from day to day', () => {
    const { plans } = days('early-bird', 9, 60);
    const firsts = plans
      .filter((p) => p.trips.length === 0)
      .map((p) => localHour(p.activities.find((a) => a.at >= p.dayStart + 4 * HOUR)!.at));
    for (const h of firsts) expect(h >= 4.5 && h <= 10).toBe(true);
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThan(0.75); // ±30–45 min jitter
  });

  it('nights are quiet: at most a few toilet visits between 01:00 and 04:00', () => {
    const { segments } = days('irregular', 4, 60);
    const night = segments.filter((s) => localHour(s.start) >= 1 && localHour(s.start) < 4);
    for (const s of night) expect(['toilet', 'handwash']).toContain(s.source);
    expect(night.filter((s) => s.source === 'toilet').length).toBeLessThanOrEqual(2 * 60);
  });

  it('showers last 8–15 min at 6–9 L/min; laundry is several 30–50 L fills', () => {
    const { segments } = days('frequent-bather', 3, 30);
    const showers = segments.filter((s) => s.source === 'shower');
    expect(showers.length).toBeGreaterThan(20);
    for (const s of showers) expect(s.lpm >= 6 && s.lpm <= 9).toBe(true);
    const flushes = segments.filter((s) => s.source === 'toilet');
    for (const f of flushes) expect((f.end - f.start) / 1000).toBeLessThanOrEqual(45);
    const fills = segments.filter((s) => s.source === 'laundry');
    expect(fills.length).toBeGreaterThanOrEqual(3 * 4); // at least weekly over 30 days
    for (const f of fills) expect(litres(f)).toBeGreaterThanOrEqual(29.9);
  });

  it('no water is used while the household is away on a trip, and trips are labelled as normal', () => {
    // Search seeds for a household that travels: trips are rare by design.
    for (let seed = 1; seed < 50; seed++) {
      const { plans, segments } = days('couple', seed, 90);
      const trip = plans.flatMap((p) => p.trips)[0];
      if (!trip) continue;
      expect(segments.filter((s) => s.start >= trip.start && s.start < trip.end)).toEqual([]);
      expect(plans.some((p) => p.normals.some((n) => n.what.startsWith('trip') && n.start === trip.start))).toBe(true);
      return;
    }
    throw new Error('expected some household to take a trip in 90 days');
  });
});
