// The shape of a stored MeterState, checked when a snapshot is read back: the database is
// outside the process, and a detector fed a malformed state would throw on every reading.
// It is tied to the MeterState type at compile time (both directions, see the end), so a
// change to the detector's state does not build until this schema follows it. Then either
// give the new field a .default() here (old snapshots carry over) or bump SNAPSHOT_VERSION in
// detector-snapshot.ts (old snapshots are ignored and the meters relearn). Unknown keys are
// stripped: a field the detector dropped does not invalidate old snapshots.
import { z } from 'zod';
import { ALERT_TYPES } from '../domain/alert.ts';
import { createDelivery } from '../detect/delivery.ts';
import type { MeterState } from '../detect/meter-state.ts';
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
});

const schema = z.object({
  meterId: z.string().min(1),
  register,
  routine,
  flow,
  lastUseAt: num,
  dataGaps: nums,
  dataCadenceMs: num,
  arrivalCadenceMs: num,
  lastArrival: num,
  delivery: delivery.optional().transform((v) => v ?? createDelivery(HOUR)),
  held: nums.default([]),
  noUsageCheckIn: z.boolean().default(false),
  noUsageSince: num.default(NaN),
  lastFaultAt: num,
  awayFrom: num,
  awayUntil: num,
  active: z.set(z.enum(ALERT_TYPES)),
});

// Every MeterState field is in the schema (else this assignment fails to compile)...
export const MeterStateSchema: z.ZodType<MeterState> = schema;
// ...and the schema has no field MeterState lacks.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesMeterState: Same<z.output<typeof schema>, MeterState> = true;
void schemaMatchesMeterState;
