// Injectable scenarios: what changes in the household or the meter, and the ground truth
// label that says which alert is the correct response and from when its delay counts.
import type { LabelType, LabelledEvent } from '../eval/labels.ts';
import type { ReportFault } from './faults.ts';
import type { FlowEffect } from './flow.ts';
import type { Rng } from './rng.ts';
import { DAY, HOUR, iso, MINUTE } from './sim-time.ts';

/** Emergencies the service exists for: a person who cannot get help. */
export const SAFETY_SCENARIOS = ['incapacitation', 'shower-fall', 'burst-pipe', 'tap-left-running'] as const;
/** Equipment trouble worth a (non-urgent) alert. */
export const EQUIPMENT_SCENARIOS = ['slow-leak', 'meter-offline'] as const;
/** Bad data that must not look like an emergency. */
export const FAULT_SCENARIOS = ['duplicates', 'glitch-jump', 'counter-reset'] as const;
export const SCENARIOS = [...SAFETY_SCENARIOS, ...EQUIPMENT_SCENARIOS, ...FAULT_SCENARIOS] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export type EventScenarioName = (typeof SAFETY_SCENARIOS)[number] | (typeof EQUIPMENT_SCENARIOS)[number];
export type FaultScenarioName = (typeof FAULT_SCENARIOS)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

/** What the caller asks for; unset numbers are drawn from realistic ranges. */
export interface ScenarioSpec {
  name: ScenarioName;
  /** Onset, epoch ms (for shower-fall: when the shower starts). */
  at: number;
  /** How long it lasts until rescue / repair / the meter is back. */
  durationMs?: number;
  /** Flow of the scenario (burst, tap, leak, shower), litres/minute. */
  lpm?: number;
}

/** A scenario with every number fixed: its effects and (for flow scenarios) its label. */
export interface ResolvedScenario {
  spec: Required<Pick<ScenarioSpec, 'name' | 'at' | 'durationMs'>> & { lpm?: number };
  flow: FlowEffect[];
  faults: ReportFault[];
  /** Known up front for flow scenarios; meter faults get theirs from where they hit the data. */
  label?: Omit<LabelledEvent, 'meterId'>;
}

/** A normal shower is at most ~15 min; past this the flow is no longer a shower (README). */
export const SHOWER_ABNORMAL_AFTER = 20 * MINUTE;
/** A long normal use (filling a basin, washing vegetables) lasts up to ~20 min. */
export const TAP_ABNORMAL_AFTER = 20 * MINUTE;
export const GLITCH_JUMP = 248_000;

type Draw = (rng: Rng) => number;
const hours = (a: number, b: number): Draw => (r) => Math.round(r.float(a, b) * HOUR);
const DEFAULT_DURATION: Record<ScenarioName, Draw> = {
  incapacitation: () => 24 * HOUR,
  'shower-fall': () => 24 * HOUR,
  'burst-pipe': hours(4, 8),
  'tap-left-running': hours(6, 12),
  'slow-leak': (r) => Math.round(r.float(3, 7) * DAY),
  'meter-offline': hours(6, 48),
  duplicates: hours(3, 12),
  'glitch-jump': () => 0,
  'counter-reset': () => 0,
};
const DEFAULT_LPM: Partial<Record<ScenarioName, Draw>> = {
  'shower-fall': (r) => r.float(6.5, 7.5),
  'burst-pipe': (r) => r.float(15, 30),
  // Issue 9: low-rate taps too (2–4 L/min fill a 15-min interval with 30–60 L, less than a shower).
  'tap-left-running': (r) => r.float(2, 8),
  'slow-leak': (r) => r.float(0.05, 0.5),
};

export function resolveScenario(spec: ScenarioSpec, rng: Rng): ResolvedScenario {
  const { name, at } = spec;
  const durationMs = Math.round((spec.durationMs ?? (DEFAULT_DURATION[name] as Draw)(rng)) / 1000) * 1000;
  const lpm = spec.lpm ?? DEFAULT_LPM[name]?.(rng);
  const end = at + durationMs;
  const out: ResolvedScenario = { spec: { name, at, durationMs, lpm }, flow: [], faults: [] };
  const label = (type: LabelType, start: number, alsoAccept?: LabelType[]) => {
    out.label = { type, scenario: name, start: iso(start), end: iso(end), ...(alsoAccept ? { alsoAccept } : {}) };
  };
  const add = () => ({ add: { start: at, end, lpm: lpm as number, source: name } });
  switch (name) {
    case 'incapacitation':
      out.flow.push({ suppress: { start: at, end } });
      label('no-usage', at);
      break;
    case 'shower-fall':
      // The person falls in the shower: nothing else happens at home, the water keeps running.
      out.flow.push({ suppress: { start: at, end } }, add());
      label('surge', at + SHOWER_ABNORMAL_AFTER, ['no-usage', 'leak']);
      break;
    case 'burst-pipe':
      out.flow.push(add());
      label('surge', at, ['leak']);
      break;
    case 'tap-left-running':
      out.flow.push(add());
      label('surge', at + TAP_ABNORMAL_AFTER, ['leak']);
      break;
    case 'slow-leak':
      out.flow.push(add());
      label('leak', at);
      break;
    case 'meter-offline':
      out.faults.push({ kind: 'offline', from: at, to: end });
      break;
    case 'duplicates':
      out.faults.push({ kind: 'duplicates', from: at, to: end, share: 0.3 });
      break;
    case 'glitch-jump':
      out.faults.push({ kind: 'glitch', at, jump: GLITCH_JUMP + rng.int(0, 600) });
      break;
    case 'counter-reset':
      out.faults.push({ kind: 'reset', at, restartAt: rng.int(0, 3) });
      break;
  }
  return out;
}

/** The label for a meter fault, from where it showed in the data (see faults.ts). */
export function faultLabel(fault: ReportFault, start: number, end: number): Omit<LabelledEvent, 'meterId'> | undefined {
  const base = { start: iso(start), end: iso(end) };
  switch (fault.kind) {
    case 'offline':
      return { type: 'offline', scenario: 'meter-offline', ...base };
    case 'glitch':
      return { type: 'data-fault', scenario: 'glitch-jump', ...base };
    case 'reset':
      return { type: 'data-fault', scenario: 'counter-reset', ...base };
    case 'duplicates':
      return undefined; // re-sent readings must raise nothing: they are recorded as a normal period
  }
}
