// Timeline scenarios on a manual clock: time is data. A household is a per-minute flow
// profile (litres used in each minute) generated deterministically from a seed; the meter
// samples its cumulative register at a cadence. Injectors change the water actually used
// (silence, a running tap, a leak) or the readings the meter sends (gaps, glitches, resets,
// duplicates, batch delivery). Nothing here reads a clock or sleeps.
import { onReading, onTick, type DetectorState } from '../../src/detect/detector.ts';
import type { DetectorEvent, ReadingVerdict } from '../../src/detect/events.ts';
import type { AlertType } from '../../src/domain/alert.ts';
import type { Reading } from '../../src/domain/reading.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** Local midnight (UTC+8, the detector's default offset) starting day 0: Monday 5 January 2026. */
export const EPOCH = Date.parse('2026-01-05T00:00:00+08:00');

const clockMs = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return ((h ?? 0) * 60 + (m ?? 0)) * MIN;
};
/** Epoch ms of local time `hhmm` on day `day` (day 0 = EPOCH). */
export const at = (day: number, hhmm: string): number => EPOCH + day * DAY + clockMs(hhmm);
/** "d14 10:00" (or "d14 10:07:30") for messages. */
export function show(t: number): string {
  const rel = t - EPOCH;
  const d = Math.floor(rel / DAY);
  const s = Math.floor((rel - d * DAY) / 1000);
  const m = Math.floor(s / 60);
  const hhmm = `d${d} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return s % 60 ? `${hhmm}:${String(s % 60).padStart(2, '0')}` : hhmm;
}

/** mulberry32: small, seeded, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface UseKind {
  name: string;
  liters: number;
  minutes: number;
}
export const TOILET: UseKind = { name: 'toilet', liters: 6, minutes: 1 };
export const HANDWASH: UseKind = { name: 'handwash', liters: 2, minutes: 1 };
export const KITCHEN: UseKind = { name: 'kitchen', liters: 5, minutes: 2 };
/** 15 min at 7 L/min. */
export const SHOWER: UseKind = { name: 'shower', liters: 105, minutes: 15 };

export interface Outing {
  day: number;
  from: string;
  hours: number;
}

export interface HouseholdSpec {
  meterId?: string;
  /** Reporting cadence of the meter, minutes. */
  cadenceMin: number;
  days: number;
  /** First use of the day (plus a jitter in [0, wakeJitterMin) minutes). */
  wake?: string;
  wakeJitterMin?: number;
  /** The last use of the day ends exactly at this time. */
  sleep?: string;
  seed?: number;
  startLiters?: number;
  /** What the random daytime uses are drawn from. */
  uses?: UseKind[];
  /** Random uses per hour while awake, inclusive range. */
  usesPerHour?: [number, number];
  /** A daily shower 30 min after the first use. */
  shower?: boolean;
  /** Days on which the first use is `lateWakeMin` later. */
  lateWakeDays?: number[];
  lateWakeMin?: number;
  /** Trips out: no use for `hours`, a toilet visit just before leaving and a handwash on return. */
  outings?: Outing[];
}

export class Household {
  /** Litres used in each minute since EPOCH. */
  readonly flow: Float64Array;
  /** Ground truth of the generated routine: first use of each day. */
  readonly firstUse: number[] = [];

  constructor(
    readonly meterId: string,
    readonly cadenceMin: number,
    readonly days: number,
    readonly startLiters: number,
  ) {
    this.flow = new Float64Array(days * 1440);
  }

  get end(): number {
    return EPOCH + this.days * DAY;
  }

  private minute(t: number): number {
    return Math.floor((t - EPOCH) / MIN);
  }

  /** Add `lpm` litres per minute over [from, until). */
  tap(from: number, lpm: number, until: number = this.end): this {
    for (let i = Math.max(0, this.minute(from)); i < Math.min(this.flow.length, this.minute(until)); i++) this.flow[i]! += lpm;
    return this;
  }

  /** One use starting at t. */
  use(t: number, kind: UseKind = TOILET): this {
    return this.tap(t, kind.liters / kind.minutes, t + kind.minutes * MIN);
  }

  /** A constant leak on top of everything else. */
  leak(lpm: number, from: number = EPOCH, until: number = this.end): this {
    return this.tap(from, lpm, until);
  }

  /** All use stops over [from, until). */
  silence(from: number, until: number = this.end): this {
    for (let i = Math.max(0, this.minute(from)); i < Math.min(this.flow.length, this.minute(until)); i++) this.flow[i] = 0;
    return this;
  }

  /** End of the last minute with flow before t (NaN if none). */
  lastUseBefore(t: number): number {
    for (let i = Math.min(this.flow.length, this.minute(t)) - 1; i >= 0; i--) if (this.flow[i]! > 0) return EPOCH + (i + 1) * MIN;
    return NaN;
  }

  /** Start of the first minute with flow at or after t (NaN if none). */
  firstUseAfter(t: number): number {
    for (let i = Math.max(0, this.minute(t)); i < this.flow.length; i++) if (this.flow[i]! > 0) return EPOCH + i * MIN;
    return NaN;
  }

  /**
   * The latest local time (ms after midnight) by which a silence under way at clock time
   * `clock` ended, over days [dayFrom, dayTo): when this household's quiet spells from that
   * time of day normally end. A silence running past midnight gives more than 24 h.
   */
  latestSilenceEnd(dayFrom: number, dayTo: number, clock: string): number {
    let latest = 0;
    for (let d = dayFrom; d < dayTo; d++) latest = Math.max(latest, this.firstUseAfter(at(d, clock)) - at(d, '00:00'));
    return latest;
  }

  /**
   * Longest silence (time since water was last used) seen at local clock times in
   * [clockFrom, clockTo] on days [dayFrom, dayTo): the household's normal gaps there.
   */
  longestSilence(dayFrom: number, dayTo: number, clockFrom: string, clockTo: string): number {
    let longest = 0;
    for (let d = dayFrom; d < dayTo; d++) {
      const a = this.minute(at(d, clockFrom));
      const b = this.minute(at(d, clockTo));
      let last = NaN;
      for (let i = a - 1; i >= 0; i--)
        if (this.flow[i]! > 0) {
          last = i + 1;
          break;
        }
      for (let i = a; i <= b && i < this.flow.length; i++) {
        if (!Number.isNaN(last)) longest = Math.max(longest, (i - last) * MIN);
        if (this.flow[i]! > 0) last = i + 1;
      }
    }
    return longest;
  }

  /** The meter's readings at its cadence over the whole timeline, delivered at once. */
  readings(): Reading[] {
    const out: Reading[] = [];
    let total = this.startLiters;
    const step = this.cadenceMin;
    for (let k = 0; k * step <= this.flow.length; k++) {
      if (k > 0) for (let i = (k - 1) * step; i < k * step; i++) total += this.flow[i]!;
      const ts = EPOCH + k * step * MIN;
      out.push({ meterId: this.meterId, ts, totalLiters: Math.round(total * 1e6) / 1e6, receivedAt: ts });
    }
    return out;
  }
}

export function household(spec: HouseholdSpec): Household {
  const h = new Household(spec.meterId ?? 'm-1', spec.cadenceMin, spec.days, spec.startLiters ?? 10_000);
  const rand = prng(spec.seed ?? 1);
  const uses = spec.uses ?? [TOILET, HANDWASH, KITCHEN];
  const [lo, hi] = spec.usesPerHour ?? [2, 4];
  const jitter = spec.wakeJitterMin ?? 20;
  const late = new Set(spec.lateWakeDays ?? []);
  for (let d = 0; d < spec.days; d++) {
    const first = at(d, spec.wake ?? '06:30') + (late.has(d) ? (spec.lateWakeMin ?? 60) * MIN : 0) + Math.floor(rand() * jitter) * MIN;
    const last = at(d, spec.sleep ?? '22:00') - MIN;
    h.firstUse.push(first);
    h.use(first, TOILET).use(first + MIN, HANDWASH);
    if (spec.shower ?? true) h.use(first + 30 * MIN, SHOWER);
    // Random uses in each hour-long window between the first and the last use of the day.
    for (let w = first + 2 * MIN; w < last; w += HOUR) {
      const n = lo + Math.floor(rand() * (hi - lo + 1));
      for (let i = 0; i < n; i++) {
        const t = w + Math.floor(rand() * 60) * MIN;
        const kind = uses[Math.floor(rand() * uses.length)]!;
        if (t + kind.minutes * MIN <= last) h.use(t, kind);
      }
    }
    h.use(last, TOILET);
  }
  for (const o of spec.outings ?? []) {
    const from = at(o.day, o.from);
    const until = from + o.hours * HOUR;
    h.silence(from - MIN, until + MIN).use(from - MIN, TOILET).use(until, HANDWASH);
  }
  return h;
}

// ---- reading-level injectors (pure: they return a new array) ----

/** The meter is silent over [from, until): those readings never arrive. */
export const dropGap = (rs: Reading[], from: number, until: number): Reading[] => rs.filter((r) => r.ts < from || r.ts >= until);

/** Readings with from <= ts < until. */
export const between = (rs: Reading[], from: number, until: number = Infinity): Reading[] => rs.filter((r) => r.ts >= from && r.ts < until);

/**
 * The real DAIAD fault: another register's values interleaved. After each of `times` readings
 * from `from` on, a reading half an interval later with total + jump; the next real one is back.
 */
export function glitch(rs: Reading[], from: number, times = 4, jump = 248_000): Reading[] {
  const out: Reading[] = [];
  let left = times;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i]!;
    out.push(r);
    const next = rs[i + 1];
    if (left > 0 && r.ts >= from && next) {
      const ts = r.ts + Math.floor((next.ts - r.ts) / 2);
      out.push({ ...r, ts, receivedAt: Math.max(r.receivedAt, ts), totalLiters: r.totalLiters + jump });
      left--;
    }
  }
  return out;
}

/** The counter restarts at 0 at `from` and counts on consistently from there. */
export function resetCounter(rs: Reading[], from: number): Reading[] {
  const base = rs.find((r) => r.ts >= from)?.totalLiters ?? 0;
  return rs.map((r) => (r.ts >= from ? { ...r, totalLiters: Math.round((r.totalLiters - base) * 1e6) / 1e6 } : r));
}

/** The reading at ts arrives a second time, `lateMs` later, with `deltaLiters` added (0: identical). */
export function duplicate(rs: Reading[], ts: number, deltaLiters = 0, lateMs = 10_000): Reading[] {
  const i = rs.findIndex((r) => r.ts === ts);
  if (i < 0) throw new Error(`no reading at ${show(ts)}`);
  const r = rs[i]!;
  return [...rs.slice(0, i + 1), { ...r, totalLiters: r.totalLiters + deltaLiters, receivedAt: r.receivedAt + lateMs }, ...rs.slice(i + 1)];
}

/** The reading taken at `olderTs` arrives again right after the one at `afterTs`. */
export function outOfOrder(rs: Reading[], afterTs: number, olderTs: number): Reading[] {
  const i = rs.findIndex((r) => r.ts === afterTs);
  const old = rs.find((r) => r.ts === olderTs);
  if (i < 0 || !old) throw new Error('no such readings');
  const after = rs[i]!;
  return [...rs.slice(0, i + 1), { ...old, receivedAt: after.receivedAt + 1_000 }, ...rs.slice(i + 1)];
}

/** NB-IoT style: readings are delivered in batches at the end of each `everyMs` period. */
export const batch = (rs: Reading[], everyMs: number = HOUR): Reading[] =>
  rs.map((r) => ({ ...r, receivedAt: EPOCH + Math.ceil((r.ts - EPOCH) / everyMs) * everyMs }));

// ---- the driver: one manual clock ----

export interface Logged {
  ev: DetectorEvent;
  /** Index of the reading that produced it, -1 for a tick. */
  reading: number;
}

export interface RunResult {
  events: DetectorEvent[];
  verdicts: ReadingVerdict[];
}

/**
 * Feed readings in arrival order (stable on receivedAt). With `tickMs`, the clock also ticks
 * at every multiple of tickMs (from EPOCH) before each arrival and up to `until`.
 */
export function drive(d: DetectorState, rs: Reading[], opts: { tickMs?: number; until?: number } = {}): RunResult {
  const ordered = rs.map((r, i) => ({ r, i })).sort((a, b) => a.r.receivedAt - b.r.receivedAt || a.i - b.i);
  const events: DetectorEvent[] = [];
  const verdicts: ReadingVerdict[] = [];
  const tick = opts.tickMs;
  let nextTick = NaN;
  const tickUntil = (t: number, inclusive: boolean) => {
    if (!tick) return;
    if (Number.isNaN(nextTick)) nextTick = EPOCH + Math.ceil((t - EPOCH) / tick) * tick;
    while (inclusive ? nextTick <= t : nextTick < t) {
      events.push(...onTick(d, nextTick));
      nextTick += tick;
    }
  };
  for (const { r } of ordered) {
    tickUntil(r.receivedAt, false);
    const res = onReading(d, r);
    verdicts.push(res.verdict);
    events.push(...res.events);
  }
  if (opts.until !== undefined) tickUntil(opts.until, true);
  return { events, verdicts };
}

export const raises = (evs: DetectorEvent[], type?: AlertType): Extract<DetectorEvent, { kind: 'raise' }>[] =>
  evs.filter((e): e is Extract<DetectorEvent, { kind: 'raise' }> => e.kind === 'raise' && (type === undefined || e.type === type));
export const clears = (evs: DetectorEvent[], type?: AlertType): DetectorEvent[] =>
  evs.filter((e) => e.kind === 'clear' && (type === undefined || e.type === type));
/** "raise no-usage d14 12:41" lines: readable failure messages. */
export const summary = (evs: DetectorEvent[]): string[] => evs.map((e) => `${e.kind} ${e.type} ${show(e.at)}`);
