import type { AlertType } from '../domain/alert.ts';
import { createFlow, type FlowState } from './flow.ts';
import { createRegister, type RegisterState } from './register.ts';
import { createRoutine, type RoutineState } from './routine.ts';

/** Everything the detector knows about one meter. Plain data: it can be snapshotted as JSON-ish. */
export interface MeterState {
  meterId: string;
  register: RegisterState;
  routine: RoutineState;
  flow: FlowState;
  /** Data time water was last used (end of the interval that showed use). NaN: unknown. */
  lastUseAt: number;
  /** Recent reading-to-reading gaps (data time) and arrival gaps, for the learned cadences. */
  dataGaps: number[];
  arrivalGaps: number[];
  dataCadenceMs: number;
  arrivalCadenceMs: number;
  lastArrival: number;
  lastFaultAt: number;
  awayFrom: number;
  awayUntil: number;
  /** Conditions currently raised (so each is raised once per episode). */
  active: Set<AlertType>;
}

export function createMeterState(meterId: string, defaultCadenceMs: number): MeterState {
  return {
    meterId,
    register: createRegister(),
    routine: createRoutine(),
    flow: createFlow(),
    lastUseAt: NaN,
    dataGaps: [],
    arrivalGaps: [],
    dataCadenceMs: defaultCadenceMs,
    arrivalCadenceMs: defaultCadenceMs,
    lastArrival: NaN,
    lastFaultAt: NaN,
    awayFrom: NaN,
    awayUntil: NaN,
    active: new Set(),
  };
}

const WINDOW = 9;
/** Push a gap sample and return the median of the recent ones (robust to the odd late report). */
export function pushGap(gaps: number[], gap: number): number {
  gaps.push(gap);
  if (gaps.length > WINDOW) gaps.shift();
  const sorted = [...gaps].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const isAway = (m: MeterState, now: number): boolean => now >= m.awayFrom && now < m.awayUntil;
