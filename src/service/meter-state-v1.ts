// Snapshot format 1 (before issue 12 item 4): the MeterState of that time as tagged JSON,
// with each learned day an object holding JS arrays of epoch-ms silences. Kept so those
// snapshots still load: checked with the schema of the time (its defaults let even pre-issue-9
// snapshots load), then converted value for value into today's compact state, so a restored
// meter behaves exactly as it would have (tests/detect/snapshot-compat.test.ts).
import { z } from 'zod';
import { ALERT_TYPES } from '../domain/alert.ts';
import { createDelivery } from '../detect/delivery.ts';
import type { MeterState } from '../detect/meter-state.ts';
import { createFlowDays, pushFlowDay, raiseToday, excludeFlowDay, type FlowMax } from '../detect/flow-days.ts';
import { numsOf } from '../detect/nums.ts';
import { createRoutineDays, pushDay, pushLongEnd, pushSilence, setExcluded, setLongest, setObservedHours, addObserved } from '../detect/routine-days.ts';
import { HOUR } from '../detect/time.ts';

/** Any number: NaN and ±Infinity mean "unknown" / "none yet" in the detector (z.number() refuses them). */
const num = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const nums = z.array(num);

const register = z.object({
  lastTs: num,
  lastTotal: num,
  pending: z.object({ ts: num, total: num, count: num }).nullable(),
  recent: nums.default([]),
});

const dayRecord = z.object({
  day: num,
  silences: nums,
  observedMs: num,
  /** Observed local hours (detect/coverage.ts); snapshots from before it: every hour. */
  hours: num.default(0xffffff),
  longestMs: num,
  longestMidMin: num,
  longEnds: nums,
  excluded: z.boolean(),
});

const verdict = z.object({ deadline: num, learned: z.boolean(), precedentEnd: num, checkInDeadline: num.default(NaN), comparableDays: num.default(NaN) });

const routine = z.object({
  cur: dayRecord.nullable(),
  history: z.array(dayRecord),
  learnedDays: num,
  nightMidMin: num,
  usualFirstUseMin: num,
  latestFirstUseMin: num,
  taught: nums.default([]),
  bridge: nums.default([]),
  version: num,
  cache: z.object({ since: num, version: num, verdict }).nullable(),
});

const flowDay = z.object({
  day: num,
  maxRunMs: num,
  maxSustainedMs: num,
  maxHourL: num,
  maxShortL: num,
  maxWetMs: num,
  maxSteadyMs: num.default(0),
  excluded: z.boolean(),
});

const flow = z.object({
  recent: z.array(z.object({ t0: num, t1: num, liters: num })),
  runStart: num,
  runLiters: num,
  runIntervals: num,
  runTailMinLpm: num,
  runSustainedMs: num,
  steadyStart: num.default(NaN),
  steadyLiters: num.default(0),
  steadyIntervals: num.default(0),
  lastDryAt: num,
  wetIntervals: num,
  wetMinLpm: num,
  baselineLpm: num,
  dripDayMlh: num.default(-1),
  dripPrevMlh: num.default(-1),
  today: flowDay.nullable(),
  days: z.array(flowDay),
  learnedMaxRunMs: num,
  learnedMaxSustainedMs: num,
  learnedMaxHourL: num,
  learnedMaxShortL: num,
  learnedMaxWetMs: num,
  learnedMaxSteadyMs: num.default(NaN),
});

// Added with issue 9 (deliveries, clocks, reorder buffer, check-in): defaults let snapshots of
// the earlier format load; the meter then relearns only its delivery pattern.
const delivery = z.object({
  startAt: num,
  lastAt: num,
  gaps: nums,
  intervalMs: num,
  count: num,
  lags: nums,
  msgAt: num,
  msgLag: num,
  offsetMs: num,
  shuffles: z.boolean(),
  late: num,
  slots: num.default(0),
  missed: num.default(0),
  stillLogMilli: num.default(0),
  moveLogMilli: num.default(0),
  stillSeen: num.default(0),
  moveSeen: num.default(0),
  gappedMoves: num.default(0),
  shortStills: num.default(0),
  stepLogMilli: num.default(0),
  stepSeen: num.default(0),
  stillDevMilli: num.default(0),
  gridLogMilli: num.default(0),
  gridDevMilli: num.default(0),
});

export const MeterStateV1Schema = z.object({
  meterId: z.string().min(1),
  register,
  routine,
  flow,
  lastUseAt: num,
  dataGaps: nums,
  dataCadenceMs: num,
  arrivalCadenceMs: num,
  lastArrival: num,
  serviceDownMs: num.default(0),
  delivery: delivery.optional().transform((v) => v ?? { ...createDelivery(HOUR), gaps: [], lags: [] }),
  held: nums.default([]),
  noUsageCheckIn: z.boolean().default(false),
  noUsageSince: num.default(NaN),
  lastFaultAt: num,
  awayFrom: num,
  awayUntil: num,
  active: z.set(z.enum(ALERT_TYPES)),
});

export type MeterStateV1 = z.output<typeof MeterStateV1Schema>;

const FLOW_KEYS: [keyof MeterStateV1['flow']['days'][number], FlowMax][] = [
  ['maxRunMs', 'run'],
  ['maxSustainedMs', 'sustained'],
  ['maxWetMs', 'wet'],
  ['maxSteadyMs', 'steady'],
  ['maxHourL', 'hourL'],
  ['maxShortL', 'shortL'],
];

/** The same meter in today's layout (nums.ts lists); values are carried over exactly. */
export function fromV1(v: MeterStateV1): MeterState {
  const { cur, history, ...routine } = v.routine;
  const days = createRoutineDays();
  [...history, ...(cur ? [cur] : [])].forEach((d, i) => {
    pushDay(days, d.day);
    addObserved(days, i, d.observedMs);
    setLongest(days, i, d.longestMs, d.longestMidMin);
    if (d.excluded) setExcluded(days, i);
    setObservedHours(days, i, d.hours);
    for (let k = 0; k < d.silences.length; k += 2) pushSilence(days, i, d.silences[k]!, d.silences[k + 1]!);
    for (const m of d.longEnds) pushLongEnd(days, i, m);
  });
  const { today, days: flowHistory, recent, runLiters, steadyLiters, ...flow } = v.flow;
  const flowDays = createFlowDays();
  for (const d of [...flowHistory, ...(today ? [today] : [])]) {
    pushFlowDay(flowDays, d.day);
    for (const [from, to] of FLOW_KEYS) raiseToday(flowDays, to, d[from] as number);
    if (d.excluded) excludeFlowDay(flowDays);
  }
  const { recent: regRecent, ...register } = v.register;
  const base = regRecent.length ? regRecent[0]! : 0;
  return {
    ...v,
    register: { ...register, recent: numsOf(1, regRecent.map((x, i) => (i % 2 === 0 ? x - base : x))), recentBase: base, recentMilli: false },
    routine: { ...routine, days },
    flow: { ...flow, recent: numsOf(2, recent.flatMap((iv) => [iv.t0, iv.t1, iv.liters])), recentBase: 0, recentMilli: false, runMl: Math.round(runLiters * 1000), steadyMl: Math.round(steadyLiters * 1000), stepMilli: 0, stepDeltas: 0, lastTickAt: NaN, fastFrom: NaN, fastIntervals: 0, fastMinLpm: Infinity, refillLump: 0, days: flowDays },
    dataGaps: numsOf(0, v.dataGaps),
    delivery: { ...v.delivery, gaps: numsOf(1, v.delivery.gaps), lags: numsOf(1, v.delivery.lags), farFrom: NaN, backGapMs: 0 },
  };
}
