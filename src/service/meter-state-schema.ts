// The shape of a stored MeterState, checked when a snapshot is read back: the database is
// outside the process, and a detector fed a malformed state would throw on every reading.
// It is tied to the MeterState type at compile time (both directions, see the end), so a
// change to the detector's state does not build until this schema follows it. Then either
// give the new field a .default() here (old snapshots carry over) or bump SNAPSHOT_VERSION
// and convert the previous format (as meter-state-v1.ts does), or leave it unconverted (those
// snapshots are skipped with a warning and the meters relearn). Unknown keys are stripped: a
// field the detector dropped does not invalidate old snapshots.
// Format 2 (issue 12 item 4): the compact state of nums.ts lists; their typed arrays are
// checked for kind and bounds, and the per-day tables against the lists they index. Format 2
// gained the routine's hour masks and bridge (issue 9 gappy meters) before it shipped in any
// release: a format-2 snapshot without `routine.bridge` was written before them, and its day
// records get every hour observed (its days were learned whole) and an empty bridge. Later
// still, fine meters' recent totals, volumes and volume maxima in millilitres (milli.ts:
// `recentMilli`, `litersMilli`) and the flow's recent times relative to `flow.recentBase`: a
// snapshot without them holds litres and absolute times, which is what their defaults (false,
// 0) say, so it loads as it is.
import { z } from 'zod';
import { ALERT_TYPES } from '../domain/alert.ts';
import { flowDaysValid } from '../detect/flow-days.ts';
import type { MeterState } from '../detect/meter-state.ts';
import { type Nums, numsCompact, numsLength, numsValid } from '../detect/nums.ts';
import { routineDaysValid, withAllHours } from '../detect/routine-days.ts';
import { MeterStateV1Schema, fromV1 } from './meter-state-v1.ts';

/** Any number: NaN and ±Infinity mean "unknown" / "none yet" in the detector (z.number() refuses them). */
const num = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const nums = z.array(num);
const numList = z
  .object({
    a: z.custom<Nums['a']>((v) => v instanceof Int16Array || v instanceof Int32Array || v instanceof Float64Array, 'expected a typed array'),
    h: num,
    n: num,
    k: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  })
  .refine(numsValid, 'malformed number list');
const multipleOf = (k: number) => numList.refine((l) => numsLength(l) % k === 0, `expected a multiple of ${k} values`);

const register = z.object({
  lastTs: num,
  lastTotal: num,
  pending: z.object({ ts: num, total: num, count: num }).nullable(),
  recent: multipleOf(2),
  recentBase: num,
  recentMilli: z.boolean().default(false),
});

const verdict = z.object({ deadline: num, learned: z.boolean(), precedentEnd: num, checkInDeadline: num.default(NaN), comparableDays: num.default(NaN) });

const routine = z.object({
  days: z.object({ table: numList, pool: numList }).refine(routineDaysValid, 'day records disagree with their silences'),
  learnedDays: num,
  nightMidMin: num,
  usualFirstUseMin: num,
  latestFirstUseMin: num,
  taught: nums.refine((t) => t.length % 2 === 0, 'expected pairs'),
  bridge: nums.refine((b) => b.length === 0 || b.length === 2, 'expected [] or [start, end]').default([]),
  version: num,
  cache: z.object({ since: num, version: num, verdict }).nullable(),
});

/** A format-2 flow written before the run's and steady streak's volumes were whole mL. */
const withMl = (v: unknown): unknown => {
  if (typeof v !== 'object' || v === null || 'runMl' in v) return v;
  const o = v as Record<string, unknown>;
  const ml = (l: unknown) => (typeof l === 'number' ? Math.round(l * 1000) : l);
  return { ...o, runMl: ml(o.runLiters), steadyMl: ml(o.steadyLiters ?? 0) };
};

const flowObject = z.object({
  recent: multipleOf(3),
  recentBase: num.default(0),
  recentMilli: z.boolean().default(false),
  runStart: num,
  runMl: num,
  runIntervals: num,
  runTailMinLpm: num,
  runSustainedMs: num,
  steadyStart: num,
  steadyMl: num,
  steadyIntervals: num,
  lastDryAt: num,
  wetIntervals: num,
  wetMinLpm: num,
  // Written since leak.fastLpm; older snapshots: no such streak yet (it starts again).
  fastFrom: num.default(NaN),
  fastIntervals: num.default(0),
  fastMinLpm: num.default(Infinity),
  baselineLpm: num,
  dripDayMlh: num.default(-1),
  dripPrevMlh: num.default(-1),
  // Written since the register step (register-step.ts); older snapshots: not yet learned.
  stepMilli: num.default(0),
  stepDeltas: num.default(0),
  lastTickAt: num.default(NaN),
  days: z.object({ ints: numList, liters: numList, litersMilli: z.boolean().default(false) }).refine(flowDaysValid, 'flow day records disagree'),
  learnedMaxRunMs: num,
  learnedMaxSustainedMs: num,
  learnedMaxHourL: num,
  learnedMaxShortL: num,
  learnedMaxWetMs: num,
  learnedMaxSteadyMs: num,
  // Written since a self-refilling cistern is background (refill.ts); older snapshots: not seen yet.
  refillLump: num.default(0),
});
const flow = z.preprocess(withMl, flowObject);

// Keys in createDelivery's order (src/detect/delivery.ts): zod builds the object in schema order,
// and a restored meter must have the same shape as a live one (tests/integration/restart.test.ts
// compares them; V8 gives objects built in another key order another hidden class).
const delivery = z.object({
  startAt: num,
  lastAt: num,
  gaps: numList,
  intervalMs: num,
  count: num,
  lags: numList,
  msgAt: num,
  msgLag: num,
  offsetMs: num,
  // Older snapshots: no run of far-off clock readings under way (the next messages start one).
  farFrom: num.default(NaN),
  shuffles: z.boolean(),
  late: num,
  // Added after SNAPSHOT_VERSION 2 was written: older snapshots have no loss counts yet.
  slots: num.default(0),
  missed: num.default(0),
  // Older snapshots: not just back from an outage.
  backGapMs: num.default(0),
  stillLogMilli: num.default(0),
  moveLogMilli: num.default(0),
  stillSeen: num.default(0),
  moveSeen: num.default(0),
  gappedMoves: num.default(0),
  shortStills: num.default(0),
  // Older snapshots: the step is learned again from the next gaps (its warm-up).
  stepLogMilli: num.default(0),
  stepSeen: num.default(0),
  stillDevMilli: num.default(0),
  gridLogMilli: num.default(0),
  gridDevMilli: num.default(0),
});

const schema = z.object({
  meterId: z.string().min(1),
  register,
  routine,
  flow,
  lastUseAt: num,
  dataGaps: numList,
  dataCadenceMs: num,
  arrivalCadenceMs: num,
  lastArrival: num,
  // Older snapshots: saved while the service ran (the restore adds its downtime).
  serviceDownMs: num.default(0),
  delivery,
  held: nums.refine((h) => h.length % 3 === 0, 'expected triples'),
  noUsageCheckIn: z.boolean(),
  noUsageSince: num,
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

/** The snapshot format this build writes: 2, the compact state (1: before issue 12 item 4). */
export const SNAPSHOT_VERSION = 2;

export type Parsed = { ok: true; state: MeterState } | { ok: false; why: string };

const firstIssue = (e: z.ZodError): string => {
  const issue = e.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
};

/** A decoded snapshot of format `version` as today's MeterState: format 1 is checked with its
 *  own schema and converted, this format checked, any other refused (the caller warns). */
export function parseMeterState(version: number, raw: unknown): Parsed {
  if (version === 1) {
    const old = MeterStateV1Schema.safeParse(raw);
    if (!old.success) return { ok: false, why: `malformed snapshot (format 1): ${firstIssue(old.error)}` };
    // The converted state must pass today's checks too (e.g. a midpoint minute out of range).
    raw = fromV1(old.data);
  } else if (version !== SNAPSHOT_VERSION) return { ok: false, why: `snapshot format version ${version}, this build reads ${SNAPSHOT_VERSION} and 1` };
  else raw = withHourMasks(raw);
  const parsed = MeterStateSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, why: `malformed snapshot: ${firstIssue(parsed.error)}` };
  return { ok: true, state: parsed.data };
}

/** A format-2 state written before the hour masks (no `routine.bridge`) with the 7-field day
 *  records widened to today's, every hour observed; anything else as it is (a malformed one
 *  fails the schema's checks). */
function withHourMasks(raw: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObj(raw) || !isObj(raw.routine) || 'bridge' in raw.routine || !isObj(raw.routine.days)) return raw;
  const table = numList.safeParse(raw.routine.days.table);
  const widened = table.success ? withAllHours(table.data) : null;
  if (!widened) return raw;
  return { ...raw, routine: { ...raw.routine, days: { ...raw.routine.days, table: widened } } };
}

/** What a snapshot keeps of a meter: its lists without slack, and no cached verdict (derived,
 *  and computed under the config of the day: after a restart, perhaps tuned, it is recomputed). */
export function snapshotForm(m: MeterState): MeterState {
  const { register: g, routine: r, flow: f, delivery: dv } = m;
  return {
    ...m,
    register: { ...g, recent: numsCompact(g.recent) },
    routine: { ...r, days: { table: numsCompact(r.days.table), pool: numsCompact(r.days.pool) }, cache: null },
    flow: { ...f, recent: numsCompact(f.recent), days: { ...f.days, ints: numsCompact(f.days.ints), liters: numsCompact(f.days.liters) } },
    dataGaps: numsCompact(m.dataGaps),
    delivery: { ...dv, gaps: numsCompact(dv.gaps), lags: numsCompact(dv.lags) },
  };
}
