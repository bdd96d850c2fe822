import type { AlertType } from '../domain/alert.ts';
import { createDelivery, type DeliveryState } from './delivery.ts';
import { createFlow, type FlowState } from './flow.ts';
import { createRegister, type RegisterState } from './register.ts';
import { type Nums, nums, numAt, numsDropFront, numsLength, numsMedian, numsPush } from './nums.ts';
import { createRoutine, type RoutineState } from './routine.ts';

/** Everything the detector knows about one meter. Plain data (numbers, typed arrays in nums.ts
 *  lists, a Set): snapshotted by src/service/detector-snapshot.ts. */
export interface MeterState {
  meterId: string;
  register: RegisterState;
  routine: RoutineState;
  flow: FlowState;
  /** Data time water was last used (end of the interval that showed use). NaN: unknown. */
  lastUseAt: number;
  /** Recent reading-to-reading gaps (data time, oldest first; nums.ts), for the learned data cadence. */
  dataGaps: Nums;
  dataCadenceMs: number;
  /** The delivery interval (delivery.intervalMs, kept here for the offline rule and the API). */
  arrivalCadenceMs: number;
  lastArrival: number;
  /** How long the service itself was down since this meter's last reading (restoreDetector adds
   *  it; the next interval spends it): the readings of that time were sent but never heard, so
   *  it is not the meter's silence (detector.ts processReading). */
  serviceDownMs: number;
  /** Deliveries and the meter clock (delivery.ts). */
  delivery: DeliveryState;
  /** The reorder buffer: readings of the current delivery held until it is complete, as
   *  [ts (corrected), totalLiters, receivedAt, …] triples in ts order. */
  held: number[];
  /** The raised no-usage is at the check-in stage (not yet confirmed). */
  noUsageCheckIn: boolean;
  /** Start of the silence the raised no-usage is about (NaN when none). */
  noUsageSince: number;
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
    dataGaps: nums(0),
    dataCadenceMs: defaultCadenceMs,
    arrivalCadenceMs: defaultCadenceMs,
    lastArrival: NaN,
    serviceDownMs: 0,
    delivery: createDelivery(defaultCadenceMs),
    held: [],
    noUsageCheckIn: false,
    noUsageSince: NaN,
    lastFaultAt: NaN,
    awayFrom: NaN,
    awayUntil: NaN,
    active: new Set(),
  };
}

const WINDOW = 9;
/** Push a gap sample and return the median of the recent ones (robust to the odd late report). */
export function pushGap(gaps: Nums, gap: number): number {
  numsPush(gaps, gap);
  if (numsLength(gaps) > WINDOW) numsDropFront(gaps, 1);
  return numsMedian(gaps);
}

export const isAway = (m: MeterState, now: number): boolean => now >= m.awayFrom && now < m.awayUntil;

/** The shortest of the recent reading gaps: a report-on-change meter's reading interval. */
export function shortestGap(m: MeterState): number {
  let min = Infinity;
  for (let i = 0, n = numsLength(m.dataGaps); i < n; i++) min = Math.min(min, numAt(m.dataGaps, i));
  return min;
}
