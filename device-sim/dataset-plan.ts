// Who gets what in a dataset: cadences, archetypes, and at most one event scenario per household.
import type { LabelledNormal } from '../eval/labels.ts';
import type { HouseholdSetup } from './dataset.ts';
import type { Interval } from './intervals.ts';
import { CADENCES, type Cadence } from './meter.ts';
import { planHousehold } from './meter-sim.ts';
import { footprint, place } from './placement.ts';
import { ARCHETYPES, type Archetype } from './profile.ts';
import type { Rng } from './rng.ts';
import {
  EQUIPMENT_SCENARIOS, FAULT_SCENARIOS, resolveScenario, SAFETY_SCENARIOS,
  type EventScenarioName, type FaultScenarioName, type ResolvedScenario, type ScenarioName,
} from './scenarios.ts';
import { DAY, HOUR, iso, toEpochMs } from './sim-time.ts';

export interface ScenarioPlan {
  /** No scenario starts before this many days: the detector must learn the routine first. Default 14. */
  learningDays?: number;
  /** Share of households left untouched, to measure false alarms. Default 0.3. */
  cleanShare?: number;
  /** Event scenarios dealt round-robin to the other households. Default: all six. */
  events?: readonly EventScenarioName[];
  /** Share of the non-clean households that also get one data fault. Default 0.5. */
  faultShare?: number;
  faults?: readonly FaultScenarioName[];
  /** Exact scenarios; a household named here gets only these. */
  placements?: readonly { meterId: string; name: ScenarioName; at: string | number; durationMs?: number; lpm?: number }[];
}

export interface PlannedScenarios {
  resolved: ResolvedScenario[];
  normals: LabelledNormal[];
  /** Scenarios that found no room (trips everywhere, too few days): reported, not hidden. */
  skipped: string[];
}

const MIX: Record<Cadence, number> = { '1min': 0.3, '15min': 0.4, 'hourly-batch': 0.3, '5min': 0 };

/** Exact shares (largest remainder), then shuffled, so small datasets still get every cadence. */
export function assignCadences(mix: Cadence | 'mix' | Partial<Record<Cadence, number>>, n: number, rng: Rng): Cadence[] {
  const weights: Partial<Record<Cadence, number>> = mix === 'mix' ? MIX : typeof mix === 'string' ? { [mix]: 1 } : mix;
  const total = CADENCES.reduce((s, c) => s + (weights[c] ?? 0), 0);
  if (!(total > 0)) throw new RangeError(`expected cadence weights with a positive sum, got ${JSON.stringify(mix)}`);
  const exact = CADENCES.map((c) => ((weights[c] ?? 0) / total) * n);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < n; k++) counts[(byRemainder[k] as { i: number }).i]! += 1;
  return rng.shuffle(CADENCES.flatMap((c, i) => Array<Cadence>(counts[i] as number).fill(c)));
}

/** Every archetype in turn, so one in five households is a couple. */
export function assignArchetypes(n: number, rng: Rng): Archetype[] {
  const order = rng.shuffle(ARCHETYPES);
  return Array.from({ length: n }, (_, i) => order[i % order.length] as Archetype);
}

export function planScenarios(setups: readonly HouseholdSetup[], span: Interval, plan: ScenarioPlan, rng: Rng): PlannedScenarios[] {
  const learningDays = plan.learningDays ?? 14;
  const earliest = span.start + learningDays * DAY;
  const out: PlannedScenarios[] = setups.map(() => ({ resolved: [], normals: [], skipped: [] }));
  const explicit = new Set((plan.placements ?? []).map((p) => p.meterId));
  for (const p of plan.placements ?? []) {
    const i = setups.findIndex((s) => s.meterId === p.meterId);
    if (i < 0) throw new RangeError(`expected a placement for a dataset meter, got "${p.meterId}"`);
    const resolved = resolveScenario({ ...p, at: toEpochMs(p.at) }, rng);
    addTo(out[i] as PlannedScenarios, resolved, p.meterId);
  }

  const random = rng.shuffle(setups.map((_, i) => i).filter((i) => !explicit.has((setups[i] as HouseholdSetup).meterId)));
  const clean = Math.round(random.length * (plan.cleanShare ?? 0.3));
  const events = plan.events ?? [...SAFETY_SCENARIOS, ...EQUIPMENT_SCENARIOS];
  const faults = plan.faults ?? FAULT_SCENARIOS;
  const withEvent = random.slice(clean);
  if (withEvent.length > 0 && events.length > 0 && span.end - earliest < 2 * DAY) {
    throw new RangeError(`expected days ≥ learningDays + 2 to place scenarios, got ${(span.end - span.start) / DAY} days with learningDays ${learningDays}`);
  }
  const faultCount = Math.round(withEvent.length * (plan.faultShare ?? 0.5));
  withEvent.forEach((i, k) => {
    const setup = setups[i] as HouseholdSetup;
    const { trips, showers } = survey(setup, span);
    const avoid: Interval[] = [...trips];
    const eventName = events[k % events.length];
    if (eventName) {
      const at = placeOne(eventName, setup, span, earliest, avoid, rng, eventName === 'shower-fall' ? showers : undefined);
      if (at) {
        addTo(out[i] as PlannedScenarios, at, setup.meterId);
        avoid.push(footprint(at.spec.at, at.spec.durationMs));
      } else (out[i] as PlannedScenarios).skipped.push(eventName);
    }
    const faultName = k < faultCount ? faults[k % faults.length] : undefined;
    const fault = faultName && placeOne(faultName, setup, span, earliest, avoid, rng);
    if (fault) addTo(out[i] as PlannedScenarios, fault, setup.meterId);
    else if (faultName) (out[i] as PlannedScenarios).skipped.push(faultName);
  });
  return out;
}

function placeOne(
  name: ScenarioName, setup: HouseholdSetup, span: Interval, earliest: number,
  avoid: Interval[], rng: Rng, candidates?: number[],
): ResolvedScenario | undefined {
  const draft = resolveScenario({ name, at: earliest }, rng);
  // Long scenarios (a week-long leak) are shortened to end 6 h before the dataset does.
  const durationMs = Math.min(draft.spec.durationMs, span.end - 6 * HOUR - earliest - HOUR);
  const at = place({ window: { start: earliest, end: span.end - durationMs - 6 * HOUR }, durationMs, avoid, candidates }, rng);
  if (at === undefined) return undefined;
  return resolveScenario({ name, at, durationMs, lpm: draft.spec.lpm }, rng);
}

function addTo(target: PlannedScenarios, s: ResolvedScenario, meterId: string): void {
  target.resolved.push(s);
  if (s.spec.name === 'duplicates') {
    const end = s.spec.at + s.spec.durationMs;
    target.normals.push({ meterId, what: 'duplicate re-sends (data fault: must raise nothing)', start: iso(s.spec.at), end: iso(end) });
  }
}

/** Trips and shower times of a household, from a cheap planning pass over the span. */
function survey(setup: HouseholdSetup, span: Interval): { trips: Interval[]; showers: number[] } {
  const plans = planHousehold(setup.profile, setup.seed, span.start);
  const trips = new Map<number, Interval>();
  const showers: number[] = [];
  for (;;) {
    const day = plans.next().value;
    if (!day || day.dayStart >= span.end) break;
    for (const t of day.trips) trips.set(t.start, t);
    for (const a of day.activities) if (a.kind === 'shower') showers.push(a.at);
  }
  return { trips: [...trips.values()], showers };
}
