// Household profiles: who lives there and their habits. A profile holds the household's
// *usual* habits; the day planner adds the day-to-day variation around them.
import type { Rng } from './rng.ts';

export const ARCHETYPES = ['early-bird', 'late-riser', 'irregular', 'frequent-bather', 'couple'] as const;
export type Archetype = (typeof ARCHETYPES)[number];

export type Range = readonly [min: number, max: number];

export interface Profile {
  archetype: Archetype;
  occupants: 1 | 2;
  /** Usual wake time, minutes after local midnight (China time). */
  wakeMin: number;
  /** Day-to-day jitter (standard deviation, minutes); clamped to ±2.2 sd so it stays ±30–45 min. */
  wakeJitterMin: number;
  /** Chance per day of waking 1–2 h late (a bad night, a cold). */
  lateWakeProb: number;
  /** Usual bedtime, minutes after local midnight. */
  sleepMin: number;
  sleepJitterMin: number;
  /** Night toilet visits per person: 0..nightToiletMax, uniformly. */
  nightToiletMax: 0 | 1 | 2;
  /** Toilet visits per person while awake at home. */
  flushesPerDay: Range;
  /** Jitter of meal times (sd, minutes): larger for irregular people. */
  mealJitterMin: number;
  /** A shower every N days per person (1 = daily). */
  showerEveryDays: 1 | 2 | 3;
  showerTime: 'morning' | 'evening';
  showerMinutes: Range;
  showerLpm: Range;
  laundryPerWeek: 1 | 2;
  outingProb: number;
  longOutingProb: number;
  napProb: number;
  guestProb: number;
  /** Chance per day of leaving on a 2–4 day trip. */
  tripProb: number;
  /** Chance per evening of a foot bath (泡脚), a common habit of older people in China. */
  footbathProb: number;
  cleaningProb: number;
}

/** Habit ranges per archetype; makeProfile draws one household inside them. */
const TEMPLATES: Record<Archetype, (r: Rng) => Omit<Profile, 'archetype'>> = {
  'early-bird': (r) => ({
    ...base(r),
    wakeMin: r.float(5 * 60 + 45, 6 * 60 + 30),
    sleepMin: r.float(21 * 60, 22 * 60),
    showerTime: 'evening',
    outingProb: 0.85,
  }),
  'late-riser': (r) => ({
    ...base(r),
    wakeMin: r.float(7 * 60, 7 * 60 + 30),
    sleepMin: r.float(22 * 60 + 30, 23 * 60 + 30),
    showerEveryDays: r.pick([2, 3] as const),
    showerTime: 'morning',
    napProb: 0.3,
  }),
  irregular: (r) => ({
    ...base(r),
    wakeMin: r.float(6 * 60, 7 * 60 + 30),
    wakeJitterMin: 20,
    lateWakeProb: 0.12,
    sleepJitterMin: 45,
    mealJitterMin: 35,
    outingProb: 0.6,
    nightToiletMax: 2,
  }),
  'frequent-bather': (r) => ({
    ...base(r),
    showerEveryDays: 1,
    showerTime: r.pick(['morning', 'evening'] as const),
    showerMinutes: [10, 15],
  }),
  couple: (r) => ({
    ...base(r),
    occupants: 2,
    wakeMin: r.float(6 * 60, 7 * 60),
    guestProb: 0.06,
  }),
};

function base(r: Rng): Omit<Profile, 'archetype'> {
  return {
    occupants: 1,
    wakeMin: r.float(6 * 60, 7 * 60 + 30),
    wakeJitterMin: r.float(14, 20),
    lateWakeProb: 0.05,
    sleepMin: r.float(21 * 60 + 30, 23 * 60),
    sleepJitterMin: 25,
    nightToiletMax: r.pick([1, 2] as const),
    flushesPerDay: [5, 8],
    mealJitterMin: 15,
    showerEveryDays: r.pick([1, 2, 2, 3] as const),
    showerTime: r.pick(['morning', 'evening', 'evening'] as const),
    showerMinutes: [8, 13],
    showerLpm: [6, 9],
    laundryPerWeek: r.pick([1, 2] as const),
    outingProb: 0.75,
    longOutingProb: 0.06,
    napProb: 0.6,
    guestProb: 0.03,
    tripProb: 1 / 60,
    footbathProb: 0.6,
    cleaningProb: 0.35,
  };
}

export function makeProfile(archetype: Archetype, rng: Rng): Profile {
  const template = TEMPLATES[archetype];
  if (!template) throw new RangeError(`expected one of ${ARCHETYPES.join(', ')}, got "${archetype}"`);
  return { archetype, ...template(rng) };
}

export function isArchetype(name: string): name is Archetype {
  return (ARCHETYPES as readonly string[]).includes(name);
}
