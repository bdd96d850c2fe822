// Shared helpers for simulator tests: run one meter for a while and flatten its readings.
import type { Cadence, Report } from '../../device-sim/meter.ts';
import { simulateMeter, type MeterSim } from '../../device-sim/meter-sim.ts';
import { makeProfile, type Archetype } from '../../device-sim/profile.ts';
import { Rng } from '../../device-sim/rng.ts';
import { resolveScenario, type ScenarioSpec } from '../../device-sim/scenarios.ts';
import { cstMidnight, DAY, HOUR, MINUTE } from '../../device-sim/sim-time.ts';

export const FROM = cstMidnight('2026-01-05');
export { DAY, HOUR, MINUTE };

export interface Flat {
  ts: number;
  totalLiters: number;
  sendAt: number;
  kind: Report['kind'];
  resend: boolean;
}

export function meter(opts: { archetype?: Archetype; cadence?: Cadence; seed?: number; scenarios?: ScenarioSpec[] } = {}): MeterSim {
  const seed = opts.seed ?? 11;
  const rng = new Rng(seed);
  return simulateMeter({
    meterId: 'm-test',
    profile: makeProfile(opts.archetype ?? 'early-bird', rng.fork('profile')),
    seed,
    cadence: opts.cadence ?? '1min',
    from: FROM,
    scenarios: (opts.scenarios ?? []).map((s) => resolveScenario(s, rng.fork('scenario', s.name))),
  });
}

export function run(sim: MeterSim, until: number): { reports: Report[]; flat: Flat[] } {
  const reports: Report[] = [];
  for (;;) {
    const next = sim.reports.next();
    if (next.done || next.value.sendAt >= until) break;
    reports.push(next.value);
  }
  const flat = reports.flatMap((r) => r.readings.map((x) => ({ ...x, sendAt: r.sendAt, kind: r.kind, resend: !!r.resend })));
  return { reports, flat };
}

/** Litres used between two instants, from a 1-min series (readings at or before each). */
export function usedBetween(flat: readonly Flat[], a: number, b: number): number {
  const at = (t: number) => [...flat].reverse().find((r) => r.ts <= t && !r.resend)?.totalLiters ?? NaN;
  return at(b) - at(a);
}
