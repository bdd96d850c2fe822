// A labelled dataset: many households, some with one scenario, all as one trace in arrival order.
import type { DatasetLabels, LabelledEvent, LabelledNormal } from '../eval/labels.ts';
import { overlaps, type Interval } from './intervals.ts';
import type { Cadence, DeliveryStyle } from './meter.ts';
import { householdShift, simulateMeter, type MeterSim } from './meter-sim.ts';
import { makeProfile, type Profile } from './profile.ts';
import { hashSeed, Rng } from './rng.ts';
import { assignCadences, assignArchetypes, planScenarios, type ScenarioPlan } from './dataset-plan.ts';
import { cstMidnight, DAY, HOUR, iso, toEpochMs } from './sim-time.ts';
import { arrivalOf, reportToLines, type SimTraceLine } from './trace.ts';

export type { ScenarioPlan } from './dataset-plan.ts';

export interface DatasetOptions {
  seed: number;
  households: number;
  days: number;
  /** First day ("2026-01-05" = local China midnight) or an instant. */
  start: string | number | Date;
  /** One cadence for all, 'mix' (30% 1-min, 40% 15-min, 30% hourly batch) or weights. */
  cadenceMix?: Cadence | 'mix' | Partial<Record<Cadence, number>>;
  scenarioPlan?: ScenarioPlan;
  name?: string;
  /** Realistic and varied delivery and clocks (issue 9): hourly batches sent as one message or
   *  as many shuffled ones spread over minutes, meter clocks minutes or hours off, households in
   *  another time zone than configured, daylight-saving time. Off: the tidy meters of old. */
  realism?: boolean;
  /** Every meter's register steps in this many litres (a pulse-meter fleet, e.g. 10 L). */
  registerStepL?: number;
}

/** A meter clock off by more than this is labelled a data fault (the detector's default alert limit). */
export const SKEW_LABEL_MS = 30 * 60_000;

export interface Dataset {
  lines: SimTraceLine[];
  labels: DatasetLabels;
  /** "m-004: shower-fall" for scenarios that found no room in the span. */
  skipped: string[];
}

export interface HouseholdSetup {
  meterId: string;
  profile: Profile;
  seed: number;
  cadence: Cadence;
  delivery?: DeliveryStyle;
  zoneShiftMs?: number;
  dstAt?: number;
}

/** Draws one household's delivery, clock and zone (see DatasetOptions.realism). */
function realismFor(cadence: Cadence, from: number, days: number, rng: Rng): Pick<HouseholdSetup, 'delivery' | 'zoneShiftMs' | 'dstAt'> {
  const delivery: DeliveryStyle = {};
  if (cadence === 'hourly-batch' && rng.chance(0.5)) {
    delivery.shuffled = true;
    delivery.spreadMs = Math.round(rng.float(0.5, 4) * 60_000);
  }
  const r = rng.next();
  const sign = rng.chance(0.5) ? 1 : -1;
  if (r < 0.08) delivery.skewMs = sign * Math.round(rng.float(45, 180)) * 60_000;
  else if (r < 0.38) delivery.skewMs = sign * Math.round(rng.float(1, 20)) * 60_000;
  const out: Pick<HouseholdSetup, 'delivery' | 'zoneShiftMs' | 'dstAt'> = { delivery };
  if (rng.chance(0.1)) out.zoneShiftMs = [-3, -1, 1, 2][rng.int(0, 3)]! * HOUR;
  if (rng.chance(0.1)) out.dstAt = from + rng.int(10, Math.max(11, days - 5)) * DAY;
  return out;
}

export function meterIdFor(index: number, households: number): string {
  return `m-${String(index + 1).padStart(Math.max(3, String(households).length), '0')}`;
}

export function generateDataset(opts: DatasetOptions): Dataset {
  const { seed, households, days } = opts;
  if (!Number.isInteger(households) || households < 1) throw new RangeError(`expected households ≥ 1, got ${households}`);
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`expected days ≥ 1, got ${days}`);
  const from = cstMidnight(toEpochMs(opts.start));
  const to = from + days * DAY;
  const rng = new Rng(hashSeed('dataset', seed));
  const cadences = assignCadences(opts.cadenceMix ?? 'mix', households, rng.fork('cadence'));
  const archetypes = assignArchetypes(households, rng.fork('archetype'));
  const setups: HouseholdSetup[] = archetypes.map((archetype, i) => ({
    meterId: meterIdFor(i, households),
    profile: makeProfile(archetype, rng.fork('profile', i)),
    seed: hashSeed(seed, 'household', i),
    cadence: cadences[i] as Cadence,
    ...(opts.realism ? realismFor(cadences[i] as Cadence, from, days, rng.fork('realism', i)) : {}),
  }));
  if (opts.registerStepL) for (const s of setups) s.delivery = { ...s.delivery, registerStepL: opts.registerStepL };
  const scenarios = planScenarios(setups, { start: from, end: to }, opts.scenarioPlan ?? {}, rng.fork('scenarios'));

  const labels: DatasetLabels = {
    name: opts.name ?? `sim-seed${seed}-${households}x${days}d`,
    meters: setups.map((s) => ({ meterId: s.meterId, cadence: s.cadence, from: iso(from), to: iso(to), profile: s.profile.archetype })),
    events: [],
    normals: [],
  };
  const keyed: { arrival: number; line: SimTraceLine }[] = [];
  setups.forEach((setup, i) => {
    const planned = scenarios[i] ?? { resolved: [], normals: [], skipped: [] };
    const sim = simulateMeter({ ...setup, from, scenarios: planned.resolved });
    drain(sim, to, (line) => keyed.push({ arrival: arrivalOf(line), line }), setup.delivery?.skewMs ?? 0);
    // Water-use labels happen in the household's own time; the meter's faults in real time.
    const real = (x: string) => iso(Date.parse(x) - householdShift(setup, Date.parse(x)));
    const toReal = <T extends { start: string; end: string }>(l: T): T => ({ ...l, start: real(l.start), end: real(l.end) });
    const events = sim.events.map((e) => (e.type === 'no-usage' || e.type === 'surge' || e.type === 'leak' ? toReal(e) : e));
    const skew = setup.delivery?.skewMs ?? 0;
    if (Math.abs(skew) > SKEW_LABEL_MS)
      events.push({ meterId: setup.meterId, type: 'data-fault', scenario: `clock-skew ${Math.round(skew / 60_000)} min`, start: iso(from), end: iso(from + DAY) });
    labels.events.push(...events);
    labels.normals.push(...withoutEvents([...sim.normals.map(toReal), ...planned.normals], events, { start: from, end: to }));
  });
  // Stable sort: equal arrivals keep household order, and each meter's own order.
  keyed.sort((a, b) => a.arrival - b.arrival);
  labels.events.sort((a, b) => a.start.localeCompare(b.start));
  labels.normals.sort((a, b) => a.start.localeCompare(b.start));
  const skipped = scenarios.flatMap((s, i) => s.skipped.map((name) => `${(setups[i] as HouseholdSetup).meterId}: ${name}`));
  return { lines: keyed.map((k) => k.line), labels, skipped };
}

/** Reports until the meter's span ends; late re-sends of in-span readings are kept. */
function drain(sim: MeterSim, to: number, emit: (line: SimTraceLine) => void, skewMs = 0): void {
  for (;;) {
    const next = sim.reports.next();
    if (next.done || next.value.sendAt >= to + 2 * HOUR) return;
    // The span is real time: a meter whose clock runs fast stamps its last readings past `to`.
    const inSpan = { ...next.value, readings: next.value.readings.filter((r) => r.ts - skewMs < to) };
    for (const line of reportToLines(sim.meterId, inSpan)) emit(line);
  }
}

/**
 * Normal periods that overlap a real event are dropped: a late morning after a fall is the
 * fall, not a lie-in, and an alert there is a hit, not a false alarm.
 */
function withoutEvents(normals: LabelledNormal[], events: LabelledEvent[], span: Interval): LabelledNormal[] {
  const eventSpans = events.map((e) => ({ start: Date.parse(e.start), end: Date.parse(e.end) }));
  return normals.filter((n) => {
    const w = { start: Date.parse(n.start), end: Date.parse(n.end) };
    return overlaps(w, span) && !eventSpans.some((e) => overlaps(e, w));
  });
}
