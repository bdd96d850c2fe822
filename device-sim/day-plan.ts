// The household's days as a lazy, deterministic sequence of planned activities.
// Multi-day habits (showers every 2–3 days, weekly laundry, trips) live in the planner's state.
import { contains, sampleIn, subtract, type Interval } from './intervals.ts';
import type { Profile } from './profile.ts';
import type { Rng } from './rng.ts';
import { drawPersonDay, drawWake, type PersonDay, type Wake } from './routine.ts';
import { DAY, HOUR, MINUTE } from './sim-time.ts';

export type ActivityKind =
  | 'toilet' | 'handwash' | 'washup' | 'kettle' | 'cooking' | 'dishes'
  | 'shower' | 'laundry' | 'footbath' | 'cleaning';

export interface Activity {
  kind: ActivityKind;
  at: number;
  /** Who does it: 0, 1 for residents, -1 for a guest. */
  person: number;
  /** Volume multiplier, e.g. cooking for guests. */
  scale: number;
}

/** A normal but unusual period, as the planner knows it (becomes a label `normals` entry). */
export interface PlannedNormal extends Interval {
  what: string;
}

export interface DayPlan {
  day: number;
  dayStart: number;
  activities: Activity[];
  normals: PlannedNormal[];
  /** When the whole household is away on a trip (scenarios avoid these). */
  trips: Interval[];
}

export function* planDays(profile: Profile, rng: Rng, firstDayStart: number): Generator<DayPlan> {
  const people = Array.from({ length: profile.occupants }, (_, p) => p);
  let wakes: Wake[] = people.map(() => drawWake(profile, rng, firstDayStart));
  const showerDue = people.map(() => rng.int(0, profile.showerEveryDays - 1));
  let laundryDays = new Set<number>();
  let trip: Interval | undefined;

  for (let day = 0; ; day++) {
    const dayStart = firstDayStart + day * DAY;
    if (day % 7 === 0) laundryDays = new Set(rng.shuffle([0, 1, 2, 3, 4, 5, 6]).slice(0, profile.laundryPerWeek));
    const nextWakes = people.map(() => drawWake(profile, rng, dayStart + DAY));
    const normals: PlannedNormal[] = [];

    if ((!trip || trip.end <= dayStart) && rng.chance(profile.tripProb)) {
      const start = dayStart + rng.float(8 * 60, 13 * 60) * MINUTE;
      const days = rng.int(2, 4);
      trip = { start, end: dayStart + days * DAY + rng.float(14 * 60, 20 * 60) * MINUTE };
      normals.push({ what: `trip: away ${days} days`, ...trip });
    }
    const trips = trip && trip.end > dayStart && trip.start < dayStart + DAY ? [trip] : [];

    const persons: PersonDay[] = [];
    for (const p of people) {
      persons.push(drawPersonDay(profile, rng, dayStart, wakes[p] as Wake, nextWakes[p] as Wake, persons[0]));
    }
    const plan = new PlanBuilder(rng, trips);
    persons.forEach((pd, p) => planPerson(plan, profile, rng, dayStart, pd, p, (nextWakes[p] as Wake).at, showerDue));
    normals.push(...unusualQuiet(persons, trips));
    planShared(plan, profile, rng, dayStart, persons, laundryDays.has(day % 7), normals);

    wakes = nextWakes;
    yield { day, dayStart, activities: plan.sorted(), normals, trips };
  }
}

/**
 * Quiet periods that are normal: a late morning, a long day out. Only when the whole home is
 * quiet: one spouse sleeping in while the other makes breakfast is not unusual at all.
 */
function unusualQuiet(persons: readonly PersonDay[], trips: Interval[]): PlannedNormal[] {
  const out: PlannedNormal[] = [];
  if (persons.every((pd) => pd.wake.late) && !contains(trips, persons[0]!.wake.usual)) {
    out.push({ what: 'late waking', start: Math.min(...persons.map((pd) => pd.wake.usual)), end: Math.min(...persons.map((pd) => pd.wake.at)) });
  }
  for (const o of persons[0]?.outings ?? []) {
    const everyoneOut = persons.every((pd) => pd.outings.some((x) => x.start === o.start && x.end === o.end));
    if (o.long && everyoneOut && !contains(trips, o.start)) {
      out.push({ what: `long outing (${((o.end - o.start) / HOUR).toFixed(1)} h)`, start: o.start, end: o.end });
    }
  }
  return out;
}

/** Collects activities, dropping any that fall while the household is away on a trip. */
class PlanBuilder {
  readonly list: Activity[] = [];
  constructor(
    private readonly rng: Rng,
    readonly trips: Interval[],
  ) {}

  add(kind: ActivityKind, at: number | undefined, person: number, scale = 1): void {
    if (at === undefined || contains(this.trips, at)) return;
    // Whole seconds: readable traces and labels, and nothing in a meter is finer.
    this.list.push({ kind, at: Math.round(at / 1000) * 1000, person, scale });
  }

  /** A toilet visit: flush, then usually a hand wash. */
  toilet(at: number | undefined, person: number): void {
    if (at === undefined) return;
    this.add('toilet', at, person);
    if (this.rng.chance(0.85)) this.add('handwash', at + this.rng.float(20, 60) * 1000, person);
  }

  sorted(): Activity[] {
    return this.list.sort((a, b) => a.at - b.at);
  }
}

function awakeHome(pd: PersonDay, trips: Interval[]): Interval[] {
  const cuts = [...pd.outings, ...(pd.nap ? [pd.nap] : []), ...trips];
  return subtract([{ start: pd.wake.at, end: pd.sleep }], cuts);
}

function planPerson(
  b: PlanBuilder,
  profile: Profile,
  rng: Rng,
  dayStart: number,
  pd: PersonDay,
  p: number,
  nextWake: number,
  showerDue: number[],
): void {
  const home = awakeHome(pd, b.trips);
  const isHome = (t: number) => contains(home, t);
  const m = (min: number) => min * MINUTE;

  b.toilet(pd.wake.at + m(rng.float(1, 5)), p);
  b.add('washup', pd.wake.at + m(rng.float(6, 15)), p);
  const flushes = rng.int(profile.flushesPerDay[0], profile.flushesPerDay[1]);
  for (let i = 0; i < flushes; i++) b.toilet(sampleIn(home, rng), p);
  for (let i = rng.int(1, 3); i > 0; i--) b.add('handwash', sampleIn(home, rng), p);
  for (const o of pd.outings) b.add('handwash', o.end + m(rng.float(2, 6)), p);
  b.add('washup', pd.sleep - m(rng.float(5, 15)), p);
  if (rng.chance(profile.footbathProb)) b.add('footbath', pd.sleep - m(rng.float(30, 60)), p);

  // Night visits: after falling asleep and before the next morning.
  const night = { start: pd.sleep + m(45), end: nextWake - m(20) };
  for (let i = rng.int(0, profile.nightToiletMax); i > 0; i--) b.toilet(sampleIn([night], rng), p);

  showerDue[p] = (showerDue[p] ?? 0) - 1;
  if ((showerDue[p] ?? 0) < 0) {
    const morning = pd.wake.at + m(rng.float(20, 50));
    const evening = Math.min(dayStart + m(rng.float(19 * 60, 20.5 * 60)), pd.sleep - m(rng.float(45, 90)));
    const slots = profile.showerTime === 'morning' ? [morning, evening] : [evening, morning];
    const at = slots.find(isHome);
    if (at !== undefined) {
      b.add('shower', at, p);
      // Habits slip a little: now and then a shower is a day late.
      showerDue[p] = profile.showerEveryDays - 1 + (rng.chance(0.15) ? 1 : 0);
    }
  }
}

function planShared(
  b: PlanBuilder,
  profile: Profile,
  rng: Rng,
  dayStart: number,
  persons: PersonDay[],
  laundryDay: boolean,
  normals: PlannedNormal[],
): void {
  const homes = persons.map((pd) => awakeHome(pd, b.trips));
  const cookAt = (t: number) => homes.findIndex((h) => contains(h, t));
  const at = (hours: number, jitterMin = profile.mealJitterMin) => dayStart + hours * HOUR + rng.normal(0, jitterMin) * MINUTE;

  let guests: Interval | undefined;
  if (b.trips.length === 0 && rng.chance(profile.guestProb)) {
    const start = at(10.5, 30);
    guests = { start, end: start + rng.float(4, 8) * HOUR };
    normals.push({ what: 'guests visiting', ...guests });
    for (let i = rng.int(2, 5); i > 0; i--) b.toilet(sampleIn([guests], rng), -1);
  }
  const firstWake = Math.min(...persons.map((pd) => pd.wake.at));
  const meals = [firstWake + rng.float(15, 40) * MINUTE, at(11.25), at(17.25 + (profile.sleepMin / 60 - 22) / 3)];
  for (const meal of meals) {
    const cook = cookAt(meal);
    if (cook < 0) continue; // everyone is out: they eat out
    const scale = (guests && contains([guests], meal) ? 1.8 : 1) * (persons.length > 1 ? 1.3 : 1);
    b.add('kettle', meal - rng.float(0, 10) * MINUTE, cook);
    b.add('cooking', meal, cook, scale);
    const dishes = meal + rng.float(40, 75) * MINUTE;
    const washer = cookAt(dishes);
    if (washer >= 0) b.add('dishes', dishes, washer, scale);
  }
  if (laundryDay) {
    const slot = [at(9.5, 30), at(15.75, 20)].find((t) => cookAt(t) >= 0);
    if (slot !== undefined) b.add('laundry', slot, cookAt(slot));
  }
  if (rng.chance(profile.cleaningProb)) {
    const t = sampleIn(homes[0] ?? [], rng);
    if (t !== undefined) b.add('cleaning', t, 0);
  }
}
