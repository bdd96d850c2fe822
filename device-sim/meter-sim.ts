// One simulated household and its meter, end to end, as a lazy stream of reports:
// plan days → flow segments → scenario effects → register → cadence → meter faults.
import type { LabelledEvent, LabelledNormal } from '../eval/labels.ts';
import { planDays, type DayPlan } from './day-plan.ts';
import { applyReportFaults } from './faults.ts';
import { applyFlowEffects, householdSegments } from './flow.ts';
import { meterReports, type Cadence, type DeliveryStyle, type Report } from './meter.ts';
import type { Profile } from './profile.ts';
import { Register } from './register.ts';
import { hashSeed, Rng } from './rng.ts';
import { faultLabel, type ResolvedScenario } from './scenarios.ts';
import { cstMidnight, iso } from './sim-time.ts';

export interface MeterSimConfig {
  meterId: string;
  profile: Profile;
  /** Seeds every random stream of this household; same seed, same water use. */
  seed: number;
  cadence: Cadence;
  /** Simulation start (epoch ms); the first reading follows on the next cadence boundary. */
  from: number;
  /** Register value at `from`: meters are not new, so it is rarely 0. */
  initialLiters?: number;
  scenarios?: readonly ResolvedScenario[];
  /** How reports reach the server: shuffled batch messages, a skewed meter clock. */
  delivery?: DeliveryStyle;
  /** The household lives this far ahead of the configured (China) clock: another time zone,
   *  plus one hour from `dstAt` on (daylight-saving time). Its water use shifts in real time. */
  zoneShiftMs?: number;
  dstAt?: number;
}

/** sim-time − real time of a household (see zoneShiftMs). */
export function householdShift(cfg: Pick<MeterSimConfig, 'zoneShiftMs' | 'dstAt'>, t: number): number {
  return (cfg.zoneShiftMs ?? 0) + (cfg.dstAt !== undefined && t >= cfg.dstAt ? 3_600_000 : 0);
}

export interface MeterSim {
  meterId: string;
  reports: Iterator<Report>;
  /** Ground truth found so far; grows while `reports` is consumed. */
  events: LabelledEvent[];
  normals: LabelledNormal[];
}

/** The household's day plans alone (cheap): used to place scenarios around trips and showers. */
export function planHousehold(profile: Profile, seed: number, from: number): Iterator<DayPlan> {
  return planDays(profile, new Rng(hashSeed(seed, 'plan')), cstMidnight(from));
}

export function simulateMeter(cfg: MeterSimConfig): MeterSim {
  const { meterId, profile, seed, cadence, from } = cfg;
  const scenarios = cfg.scenarios ?? [];
  const events: LabelledEvent[] = scenarios.flatMap((s) => (s.label ? [{ meterId, ...s.label }] : []));
  const normals: LabelledNormal[] = [];

  const plans = planHousehold(profile, seed, from);
  const observed: Iterator<DayPlan> = {
    next: () => {
      const r = plans.next();
      if (!r.done) for (const n of r.value.normals) normals.push({ meterId, what: n.what, start: iso(roundS(n.start)), end: iso(roundS(n.end)) });
      return r;
    },
  };
  const segments = householdSegments(observed, profile, new Rng(hashSeed(seed, 'usage')));
  const flowing = applyFlowEffects(segments, scenarios.flatMap((s) => s.flow));
  const initial = cfg.initialLiters ?? new Rng(hashSeed(seed, 'register')).int(1_000, 400_000);
  const register = new Register(flowing, from, initial);
  // Real time t is the household's own (sim) time t + shift: a house an hour ahead uses water an hour earlier.
  const shifted = cfg.zoneShiftMs || cfg.dstAt !== undefined ? { at: (t: number) => register.at(Math.max(from, t + householdShift(cfg, t))) } : register;
  const raw = meterReports(shifted, cadence, from, new Rng(hashSeed(seed, 'meter')), cfg.delivery);
  const reports = applyReportFaults(raw, scenarios.flatMap((s) => s.faults), new Rng(hashSeed(seed, 'faults')), (hit) => {
    const label = faultLabel(hit.fault, hit.start, hit.end);
    if (label) events.push({ meterId, ...label });
  });
  return { meterId, reports, events, normals };
}

const roundS = (ms: number) => Math.round(ms / 1000) * 1000;
