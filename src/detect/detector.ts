// The streaming detector: a synchronous function of (state, reading or tick, config) that
// returns events. It never reads a clock or does I/O, so the live service, replay and the
// evaluation run exactly the same code. Each rule lives in its own small function (no-usage in
// no-usage.ts, surge and leak in flow-rules.ts).
import type { MeterStatus, Reading } from '../domain/reading.ts';
import type { DetectorConfig } from './config.ts';
import type { DetectorEvent, ReadingResult, ReadingVerdict } from './events.ts';
import { farClockMs } from './clock.ts';
import { deliveryLearned, groupGapMs, noteArrival } from './delivery.ts';
import { observedLossRate, offlineSpanMs } from './delivery-loss.ts';
import { usedBeyondTrickle } from './drip.ts';
import { heartbeatMs, noteDataGap } from './heartbeat.ts';
import * as ex from './explain.ts';
import { clear, raise } from './conditions.ts';
import { excludeFlowToday, observeFlow } from './flow.ts';
import { bridgeMs } from './flow-steps.ts';
import { checkLeak, checkSurge } from './flow-rules.ts';
import { createMeterState, isAway, pushGap, shortestGap, type MeterState } from './meter-state.ts';
import { checkNoUsage, judgeLagMs, noUsageTickAt } from './no-usage.ts';
import { advanceRegister } from './register.ts';
import { numsLength } from './nums.ts';
import { forgetStep, stepTooCoarseForNoUsage, trustedStepLiters } from './register-step.ts';
import { excludeToday, observe } from './routine.ts';
import { HOUR, MINUTE } from './time.ts';

export interface DetectorState {
  cfg: DetectorConfig;
  meters: Map<string, MeterState>;
}

export const createDetector = (cfg: DetectorConfig): DetectorState => ({ cfg, meters: new Map() });

/** Litres in one interval that count as someone using water (coarse meters step in whole litres). */
const USE_LITERS = 0.5;

export function meterOf(d: DetectorState, meterId: string): MeterState {
  let m = d.meters.get(meterId);
  if (!m) {
    m = createMeterState(meterId, d.cfg.offline.defaultCadenceMs);
    d.meters.set(meterId, m);
  }
  return m;
}

/**
 * One reading. `now` is the clock (arrival time); the reading's `ts` is the meter's clock.
 * Arrival is not order: the reading first tells the delivery pattern and the clock estimate
 * (delivery.ts), its timestamp is corrected for the meter's clock, and a meter that delivers out
 * of order has its delivery held and released in event time once complete (tickMeter, or the
 * next delivery). A reading older than what was already released is late: counted and reported
 * by its verdict (the shell keeps it), never folded into the register out of order.
 */
export function onReading(d: DetectorState, r: Reading, now: number = r.receivedAt): ReadingResult {
  const cfg = d.cfg;
  const m = meterOf(d, r.meterId);
  const events: DetectorEvent[] = [];
  const dv = m.delivery;
  // Fresh: newer than anything released or held (else a re-send, which opens no delivery).
  const heldMax = m.held.length ? m.held[m.held.length - 3]! : -Infinity;
  const fresh = !(r.ts - dv.offsetMs <= Math.max(m.register.lastTs, heldMax));
  const opened = noteArrival(dv, r.ts, r.receivedAt, m.dataCadenceMs, cfg, fresh, groupCadence(m));
  m.arrivalCadenceMs = dv.intervalMs;
  if (!(r.receivedAt <= m.lastArrival)) m.lastArrival = r.receivedAt;
  clear(m, events, 'offline', now, r.ts);
  if (r.battery !== undefined) checkBattery(d, m, events, r.battery, r.ts, now);

  const ts = r.ts - dv.offsetMs;
  checkClock(d, m, events, ts, r.receivedAt, now);
  if (ts > r.receivedAt + cfg.clock.maxFutureMs) {
    const ahead = Math.round((ts - r.receivedAt) / MINUTE);
    const reason = `ts ${new Date(r.ts).toISOString()} is ${ahead} min after receipt even after correcting the meter clock by ${Math.round(dv.offsetMs / MINUTE)} min`;
    return { verdict: 'implausible', usedLiters: 0, events, reason };
  }
  // A new delivery began: the previous one is complete and can be released in order.
  if (opened && m.held.length) releaseHeld(d, m, now, events);

  const reg = m.register;
  if (ts < reg.lastTs) {
    const out = advanceRegister(reg, ts, r.totalLiters, cfg.dataFault);
    if (out.kind === 'duplicate') return { verdict: 'duplicate', usedLiters: 0, events };
    // Later than the watermark: counted and handed back for keeping. A meter that does this
    // within a delivery delivers out of order: from now on its deliveries are re-sorted.
    dv.late++;
    if (reg.lastTs - ts <= cfg.delivery.maxLatenessMs) dv.shuffles = true;
    return { verdict: 'late', usedLiters: 0, events, fits: out.kind === 'out-of-order' && out.fits };
  }
  if (dv.shuffles) {
    if (!hold(m, ts, r.totalLiters, r.receivedAt)) return { verdict: 'duplicate', usedLiters: 0, events };
    return { verdict: 'held', usedLiters: 0, events };
  }
  const res = processReading(d, m, ts, r.totalLiters, now, events);
  return { verdict: res.verdict, usedLiters: res.usedLiters, events };
}

/** Insert into the reorder buffer in ts order; false for an exact duplicate of a held reading. */
function hold(m: MeterState, ts: number, total: number, receivedAt: number): boolean {
  const h = m.held;
  let i = h.length;
  while (i > 0 && h[i - 3]! > ts) i -= 3;
  if (i > 0 && h[i - 3] === ts && Math.abs(h[i - 2]! - total) < 1e-9) return false;
  h.splice(i, 0, ts, total, receivedAt);
  return true;
}

function releaseHeld(d: DetectorState, m: MeterState, now: number, events: DetectorEvent[]): void {
  const h = m.held;
  m.held = [];
  for (let i = 0; i < h.length; i += 3) processReading(d, m, h[i]!, h[i + 1]!, now, events);
}

/** When the held delivery is complete: no message for a grouping gap, or the lateness bound. */
export function heldDeadline(d: DetectorState, m: MeterState): number {
  const h = m.held;
  if (!h.length) return NaN;
  let first = Infinity;
  for (let i = 2; i < h.length; i += 3) if (h[i]! < first) first = h[i]!;
  return Math.min(m.delivery.lastAt + groupGapMs(d.cfg, groupCadence(m)), first + d.cfg.delivery.maxHoldMs);
}

/**
 * The data cadence that bounds a delivery's grouping, once a few reading gaps agree on it (NaN
 * before). The first gap alone can be wrong: a shuffled first delivery from a meter whose clock
 * runs 1.5 h fast moved the clock estimate between two of its readings, which then looked 41 s
 * apart; its next message 44 s later became a "delivery" of its own, and the meter "usually
 * reports every 2 min" was offline 7 min later (sim-realistic m-017).
 */
const groupCadence = (m: MeterState): number => (numsLength(m.dataGaps) >= 3 ? m.dataCadenceMs : NaN);

function checkClock(d: DetectorState, m: MeterState, out: DetectorEvent[], ts: number, receivedAt: number, now: number): void {
  // Too far off to correct: its timestamps mean nothing, so the fault is kept fresh in real time
  // (once the clock is set, the data-fault clears after clean data like any other).
  const far = farClockMs(m.delivery, m.dataCadenceMs, d.cfg);
  if (far !== 0) {
    m.lastFaultAt = receivedAt;
    raise(m, out, 'data-fault', now, receivedAt, ex.explainClockFar(far));
    return;
  }
  const off = m.delivery.offsetMs;
  if (Math.abs(off) <= d.cfg.clock.alertAboveMs) return;
  // Kept fresh while the clock is off, so the data-fault does not clear and re-open.
  m.lastFaultAt = ts;
  raise(m, out, 'data-fault', now, ts, ex.explainClock(off));
}

/** One reading in event time (corrected ts): the register, then every rule. */
function processReading(d: DetectorState, m: MeterState, ts: number, total: number, now: number, events: DetectorEvent[]): { verdict: ReadingVerdict; usedLiters: number } {
  const cfg = d.cfg;
  const out = advanceRegister(m.register, ts, total, cfg.dataFault, trustedStepLiters(m.flow));
  switch (out.kind) {
    case 'duplicate':
      return { verdict: 'duplicate', usedLiters: 0 };
    case 'out-of-order':
      m.delivery.late++;
      return { verdict: 'late', usedLiters: 0 };
    case 'fault':
      m.lastFaultAt = ts;
      raise(m, events, 'data-fault', now, ts, ex.explainFault(out.why, out.deltaLiters));
      return { verdict: 'fault', usedLiters: 0 };
    case 'rebased':
      // A new register baseline: nothing is known about use across the swap, nor of its step.
      m.lastFaultAt = ts;
      m.lastUseAt = ts;
      forgetStep(m.flow);
      raise(m, events, 'data-fault', now, ts, ex.explainFault('rebased', out.to - out.from));
      return { verdict: 'accepted', usedLiters: 0 };
    case 'first':
      m.lastUseAt = ts;
      return { verdict: 'accepted', usedLiters: 0 };
  }

  const { t0, t1, liters } = out;
  // The service's own downtime inside this interval (restoreDetector): the meter was not silent.
  // Spent by this interval; only a still register proves nothing was used in it.
  const down = liters === 0 ? Math.min(m.serviceDownMs, t1 - t0) : 0;
  m.serviceDownMs = 0;
  // The shortest gap before this one (Infinity for the second reading: nothing to compare with).
  const before = shortestGap(m);
  // An interval across the downtime says nothing of the meter's cadence or reporting pattern.
  if (down === 0) {
    m.dataCadenceMs = pushGap(m.dataGaps, t1 - t0);
    noteDataGap(m.delivery, t1 - t0, liters !== 0, before, cfg);
  }
  const step = Math.min(before, t1 - t0);
  // A report-on-change meter is silent while nobody uses water: its gap is no outage, and the
  // water of a reading that moved was used in its last interval, not somewhere in the gap (it
  // would have reported sooner). So the gap is folded as a dry interval, then that last one.
  if (t1 - t0 > 1.5 * step && t1 - t0 <= cfg.offline.unlearnedMs && !Number.isNaN(heartbeatMs(m.delivery))) {
    if (liters === 0) return foldInterval(d, m, t0, t1, 0, false, now, events, true);
    foldInterval(d, m, t0, t1 - step, 0, false, now, events, false);
    return foldInterval(d, m, t1 - step, t1, liters, false, now, events, true);
  }
  // A gap: the meter was silent for a while; if water was used inside it we cannot say when.
  const gap = t1 - t0 - down > Math.max(3 * HOUR, 4 * m.dataCadenceMs);
  return foldInterval(d, m, t0, t1, liters, gap, now, events, true);
}

/** One interval (t0, t1] of `liters` through the flow, the routine and every rule. `judge`
 *  false: the dry part of a report-on-change gap, whose silence the next part ends or goes on. */
function foldInterval(
  d: DetectorState,
  m: MeterState,
  t0: number,
  t1: number,
  liters: number,
  gap: boolean,
  now: number,
  events: DetectorEvent[],
  judge: boolean,
): { verdict: ReadingVerdict; usedLiters: number } {
  const cfg = d.cfg;
  // A fine meter whose register steps in 10 L shows a running tap as 10 L, 0, 10 L, 10 L, 0 …:
  // the still readings between its steps are not part of the flow's intervals (flow-steps.ts bridgeMs).
  const bridge = bridgeMs(m.flow, m.dataCadenceMs, cfg);
  const tick = m.flow.lastTickAt;
  const within = bridge > 0 && !gap && t0 >= tick;
  const still = within && liters === 0 && t1 - tick <= bridge;
  const f = still ? undefined : observeFlow(m.flow, within && t0 - tick <= bridge ? tick : t0, t1, liters, gap, m.dataCadenceMs, cfg);
  // A known leak's share (on a coarse-step register it accrued since the register last moved),
  // and a self-refilling cistern's (refill.ts).
  const useLiters = f ? liters - (m.flow.baselineLpm * f.spanMs) / MINUTE - f.refillLiters : 0;
  // A standing trickle below the leak floor is not use either (drip.ts).
  const used = f !== undefined && usedBeyondTrickle(m.flow, liters, useLiters, f.accrualMs, USE_LITERS, cfg.leak.minLpm);
  const silenceStart = Number.isNaN(m.lastUseAt) ? t0 : m.lastUseAt;
  observe(m.routine, t0, t1, silenceStart, used, !gap, cfg);
  // A silent meter never raises no-usage: after a gap the silence clock restarts.
  if (used || gap) m.lastUseAt = t1;

  const away = isAway(m, now);
  if (away) {
    excludeToday(m.routine); // a trip is not the household's routine
    excludeFlowToday(m.flow);
  }
  // A register too coarse to show a day's uses (50 or 100 L a pulse): its silences say nothing.
  const step = stepTooCoarseForNoUsage(m.flow, cfg.noUsage.maxStepL);
  if (step) {
    m.lastFaultAt = t1; // kept fresh: the data-fault stays open while the meter is this coarse
    raise(m, events, 'data-fault', now, t1, ex.explainCoarseRegister(step));
    if (m.active.has('no-usage')) {
      clear(m, events, 'no-usage', now, t1);
      m.noUsageCheckIn = false;
      m.noUsageSince = NaN;
    }
  } else if (judge) checkNoUsage(d, m, events, used, away, t1, now);
  if (f) {
    checkSurge(cfg, m, events, f, away, t1, now);
    checkLeak(cfg, m, events, f, t1, now);
  }
  if (m.active.has('data-fault') && t1 - m.lastFaultAt >= cfg.dataFault.clearAfterMs) clear(m, events, 'data-fault', now, t1);
  return { verdict: 'accepted', usedLiters: Math.max(0, liters) };
}

function checkBattery(d: DetectorState, m: MeterState, out: DetectorEvent[], battery: number, t: number, now: number): void {
  // 5 points of hysteresis, so a level hovering at the limit does not flap.
  if (battery < d.cfg.batteryLowPercent) raise(m, out, 'battery-low', now, t, ex.explainBattery(battery));
  else if (battery >= d.cfg.batteryLowPercent + 5) clear(m, out, 'battery-low', now, t);
}

/** A status message: proves the meter is alive and may carry its battery level. */
export function onStatus(d: DetectorState, s: MeterStatus, now: number = s.receivedAt): DetectorEvent[] {
  const m = meterOf(d, s.meterId);
  const events: DetectorEvent[] = [];
  if (!(s.receivedAt <= m.lastArrival)) m.lastArrival = s.receivedAt;
  clear(m, events, 'offline', now, s.ts);
  if (s.battery !== undefined) checkBattery(d, m, events, s.battery, s.ts, now);
  return events;
}

/** When this meter would be offline if nothing arrives (NaN before its first reading). */
export function offlineDeadline(d: DetectorState, m: MeterState): number {
  if (Number.isNaN(m.lastArrival) || m.active.has('offline')) return NaN;
  const o = d.cfg.offline;
  if (!deliveryLearned(m.delivery)) return m.lastArrival + Math.max(o.minMs, o.unlearnedMs);
  return m.lastArrival + offlineSpanMs(m.delivery, d.cfg);
}

/** The earlier of two moments, NaN standing for "none". */
const earliest = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b));

/** The next moment time alone changes something for this meter (NaN: nothing pending). */
export function nextDeadline(d: DetectorState, m: MeterState): number {
  return earliest(earliest(heldDeadline(d, m), offlineDeadline(d, m)), noUsageTickAt(d, m));
}

/** Time passes for one meter: a held delivery is released once complete; "offline" depends on time
 *  alone, and so does no-usage on a report-on-change meter (no-usage.ts noUsageTickAt). */
export function tickMeter(d: DetectorState, m: MeterState, now: number): DetectorEvent[] {
  const events: DetectorEvent[] = [];
  const held = heldDeadline(d, m);
  if (!Number.isNaN(held) && now >= held) releaseHeld(d, m, now, events);
  const nu = noUsageTickAt(d, m);
  if (now >= nu) checkNoUsage(d, m, events, false, false, now - judgeLagMs(m), now);
  const deadline = offlineDeadline(d, m);
  if (Number.isNaN(deadline) || now < deadline) return events;
  const learned = deliveryLearned(m.delivery);
  raise(m, events, 'offline', now, m.lastArrival, ex.explainOffline(now - m.lastArrival, learned ? m.arrivalCadenceMs : NaN, m.lastArrival, d.cfg.utcOffsetMinutes, observedLossRate(m.delivery), heartbeatMs(m.delivery)));
  return events;
}

export function onTick(d: DetectorState, now: number): DetectorEvent[] {
  const events: DetectorEvent[] = [];
  for (const m of d.meters.values()) for (const e of tickMeter(d, m, now)) events.push(e);
  return events;
}

/** Mark a meter's household away over [from, until); clears an open no-usage at once. */
export function setAway(d: DetectorState, meterId: string, from: number, until: number, now: number): DetectorEvent[] {
  const m = meterOf(d, meterId);
  m.awayFrom = from;
  m.awayUntil = until;
  const events: DetectorEvent[] = [];
  if (isAway(m, now)) {
    clear(m, events, 'no-usage', now, now);
    excludeToday(m.routine);
    excludeFlowToday(m.flow);
  }
  return events;
}
