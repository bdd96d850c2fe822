// The streaming detector: a synchronous function of (state, reading or tick, config) that
// returns events. It never reads a clock or does I/O, so the live service, replay and the
// evaluation run exactly the same code. Each rule lives in its own small function below.
import type { MeterStatus, Reading } from '../domain/reading.ts';
import type { DetectorConfig } from './config.ts';
import type { DetectorEvent, ReadingResult } from './events.ts';
import * as ex from './explain.ts';
import { clear, raise } from './conditions.ts';
import { excludeFlowToday, observeFlow } from './flow.ts';
import { checkLeak, checkSurge } from './flow-rules.ts';
import { createMeterState, isAway, pushGap, type MeterState } from './meter-state.ts';
import { advanceRegister } from './register.ts';
import { deadlineFor, soonestDeadlineMs } from './deadline.ts';
import { isMorningAfterNight } from './night.ts';
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

/** One reading. `now` is the clock (arrival time); the reading's `ts` is data time. */
export function onReading(d: DetectorState, r: Reading, now: number = r.receivedAt): ReadingResult {
  const cfg = d.cfg;
  const m = meterOf(d, r.meterId);
  const events: DetectorEvent[] = [];

  if (!Number.isNaN(m.lastArrival) && r.receivedAt - m.lastArrival > 1000)
    m.arrivalCadenceMs = pushGap(m.arrivalGaps, r.receivedAt - m.lastArrival);
  if (!(r.receivedAt <= m.lastArrival)) m.lastArrival = r.receivedAt;
  clear(m, events, 'offline', now, r.ts);

  if (r.battery !== undefined) checkBattery(d, m, events, r.battery, r.ts, now);

  const out = advanceRegister(m.register, r.ts, r.totalLiters, cfg.dataFault);
  switch (out.kind) {
    case 'duplicate':
      return { verdict: 'duplicate', usedLiters: 0, events };
    case 'out-of-order':
      return { verdict: 'out-of-order', usedLiters: 0, events };
    case 'fault':
      m.lastFaultAt = r.ts;
      raise(m, events, 'data-fault', now, r.ts, ex.explainFault(out.why, out.deltaLiters));
      return { verdict: 'fault', usedLiters: 0, events };
    case 'rebased':
      // A new register baseline: nothing is known about use across the swap.
      m.lastFaultAt = r.ts;
      m.lastUseAt = r.ts;
      raise(m, events, 'data-fault', now, r.ts, ex.explainFault('rebased', out.to - out.from));
      return { verdict: 'accepted', usedLiters: 0, events };
    case 'first':
      m.lastUseAt = r.ts;
      return { verdict: 'accepted', usedLiters: 0, events };
  }

  const { t0, t1, liters } = out;
  m.dataCadenceMs = pushGap(m.dataGaps, t1 - t0);
  // A gap: the meter was silent for a while; if water was used inside it we cannot say when.
  const gap = t1 - t0 > Math.max(3 * HOUR, 4 * m.dataCadenceMs);
  const f = observeFlow(m.flow, t0, t1, liters, gap, cfg);
  const useLiters = liters - (m.flow.baselineLpm * (t1 - t0)) / MINUTE;
  const used = useLiters >= USE_LITERS;
  const silenceStart = Number.isNaN(m.lastUseAt) ? t0 : m.lastUseAt;
  observe(m.routine, t0, t1, silenceStart, used, !gap, cfg);
  // A silent meter never raises no-usage: after a gap the silence clock restarts.
  if (used || gap) m.lastUseAt = t1;

  const away = isAway(m, now);
  if (away) {
    excludeToday(m.routine); // a trip is not the household's routine
    excludeFlowToday(m.flow);
  }
  checkNoUsage(d, m, events, used, away, t1, now);
  checkSurge(cfg, m, events, f, away, t1, now);
  checkLeak(cfg, m, events, f, t1, now);
  if (m.active.has('data-fault') && t1 - m.lastFaultAt >= cfg.dataFault.clearAfterMs) clear(m, events, 'data-fault', now, t1);
  return { verdict: 'accepted', usedLiters: Math.max(0, liters), events };
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

function checkNoUsage(d: DetectorState, m: MeterState, out: DetectorEvent[], used: boolean, away: boolean, t: number, now: number): void {
  if (m.active.has('no-usage')) {
    if (used || away) clear(m, out, 'no-usage', now, t);
    return;
  }
  if (away || used || Number.isNaN(m.lastUseAt)) return;
  const cfg = d.cfg;
  // Back from being away: the silence at home starts at the return, not at the last use before the trip.
  const since = m.awayFrom <= t ? Math.max(m.lastUseAt, Math.min(m.awayUntil, t)) : m.lastUseAt;
  // Skip the routine lookup for the many silences too short to be due.
  if (t - since < soonestDeadlineMs(cfg)) return;
  const v = deadlineFor(m.routine, since, cfg);
  if (t < v.deadline) return;
  const off = cfg.utcOffsetMinutes;
  const reason =
    v.learned && isMorningAfterNight(m.routine, since, t, off)
      ? ex.explainMorning(since, t, m.routine.usualFirstUseMin, v.deadline - since, off)
      : ex.explainSilence(since, t, v, m.routine.learnedDays, off);
  // The day stays learnable: if use resumes, this silence was the household's own (a day out)
  // and must teach the model; an absence-length one is excluded by the routine itself.
  raise(m, out, 'no-usage', now, t, reason);
}

/** When this meter would be offline if nothing arrives (NaN before its first reading). */
export function offlineDeadline(d: DetectorState, m: MeterState): number {
  if (Number.isNaN(m.lastArrival) || m.active.has('offline')) return NaN;
  return m.lastArrival + Math.max(d.cfg.offline.minMs, d.cfg.offline.intervals * m.arrivalCadenceMs);
}

/** Time passes for one meter: only "offline" depends on time alone. */
export function tickMeter(d: DetectorState, m: MeterState, now: number): DetectorEvent[] {
  const deadline = offlineDeadline(d, m);
  if (Number.isNaN(deadline) || now < deadline) return [];
  const events: DetectorEvent[] = [];
  raise(m, events, 'offline', now, m.lastArrival, ex.explainOffline(now - m.lastArrival, m.arrivalCadenceMs, m.lastArrival, d.cfg.utcOffsetMinutes));
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
