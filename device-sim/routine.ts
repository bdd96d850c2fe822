// One person's day skeleton: when they wake, go out, nap and sleep. Water use is then
// placed only where the person is home and awake, which is what makes quiet periods realistic.
import type { Interval } from './intervals.ts';
import type { Profile } from './profile.ts';
import type { Rng } from './rng.ts';
import { HOUR, MINUTE } from './sim-time.ts';

export interface Wake {
  at: number;
  /** Usual wake time of that day, kept so a late morning can be labelled as normal. */
  usual: number;
  late: boolean;
}

export interface PersonDay {
  wake: Wake;
  sleep: number;
  outings: (Interval & { long: boolean })[];
  nap?: Interval;
}

function clampedJitter(rng: Rng, sd: number): number {
  const limit = 2.2 * sd;
  return Math.max(-limit, Math.min(limit, rng.normal(0, sd)));
}

export function drawWake(profile: Profile, rng: Rng, dayStart: number): Wake {
  const usual = dayStart + profile.wakeMin * MINUTE;
  const late = rng.chance(profile.lateWakeProb);
  const shift = late ? rng.float(60, 120) : clampedJitter(rng, profile.wakeJitterMin);
  return { at: usual + shift * MINUTE, usual, late };
}

/**
 * Draws the rest of a person's day. `together` is the partner's outing plan, which a
 * spouse joins more often than not.
 */
export function drawPersonDay(
  profile: Profile,
  rng: Rng,
  dayStart: number,
  wake: Wake,
  nextWake: Wake,
  together?: PersonDay,
): PersonDay {
  const sleepRaw = dayStart + (profile.sleepMin + clampedJitter(rng, profile.sleepJitterMin)) * MINUTE;
  // Never sleep less than ~5 h before the next planned wake, nor go to bed right after waking.
  const sleep = Math.max(wake.at + 12 * HOUR, Math.min(sleepRaw, nextWake.at - 5 * HOUR));
  const outings: PersonDay['outings'] = [];
  if (together && together.outings.length > 0 && rng.chance(0.6)) {
    outings.push(...together.outings.map((o) => ({ ...o })));
  } else if (rng.chance(profile.longOutingProb)) {
    // A long outing: a day at the children's home, a hospital visit, a temple trip.
    const start = dayStart + rng.float(8.5 * 60, 10.5 * 60) * MINUTE;
    outings.push({ start, end: start + rng.float(5, 8) * HOUR, long: true });
  } else if (rng.chance(profile.outingProb)) {
    const morning = rng.chance(0.55);
    const start = morning
      ? Math.max(wake.at + 60 * MINUTE, dayStart + rng.float(7.5 * 60, 9.5 * 60) * MINUTE)
      : dayStart + rng.float(14.5 * 60, 16 * 60) * MINUTE;
    // Skewed to short: most trips to the market or park take 1–2 h.
    const hours = 1 + 3 * rng.next() ** 1.8;
    outings.push({ start, end: start + hours * HOUR, long: false });
  }
  for (const o of outings) o.end = Math.min(o.end, sleep - 30 * MINUTE);

  let nap: Interval | undefined;
  if (rng.chance(profile.napProb)) {
    const start = dayStart + rng.float(12.75 * 60, 13.5 * 60) * MINUTE;
    const candidate = { start, end: start + rng.float(60, 120) * MINUTE };
    if (!outings.some((o) => o.start < candidate.end && candidate.start < o.end)) nap = candidate;
  }
  return { wake, sleep, outings: outings.filter((o) => o.end > o.start), nap };
}
