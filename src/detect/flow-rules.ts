// The flow rules: surge (a run longer than the household's normal ones, a sustained run on a
// coarse meter, or too much water in 15 min or an hour) and leak (flow that never stops).
// Thresholds are learned per household (flow.ts); away, any sustained flow is a surge.
import type { DetectorConfig } from './config.ts';
import { clear, raise } from './conditions.ts';
import type { DetectorEvent } from './events.ts';
import { dripLpm, lowestLpm } from './drip.ts';
import { LUMP_MAX_CADENCE_MS, LUMP_STILL_MS, LUMP_TRICKLE_CADENCE_MS, endLumps } from './refill.ts';
import * as ex from './explain.ts';
import { excludeFlowToday, fastLeakIntervals, litersSince, restartWetStreak, type FlowFeatures } from './flow.ts';
import { FINE_MAX_MS, leakStepLiters } from './flow-steps.ts';
import type { MeterState } from './meter-state.ts';
import { coarseStepLiters } from './register-step.ts';
import { HOUR, MINUTE, dayIndex, dayStart } from './time.ts';

export function checkSurge(cfg: DetectorConfig, m: MeterState, out: DetectorEvent[], f: FlowFeatures, away: boolean, t: number, now: number): void {
  const s = cfg.surge;
  const coarse = m.dataCadenceMs > FINE_MAX_MS;
  const learnedRun = m.flow.learnedMaxRunMs;
  const learned = !Number.isNaN(learnedRun);
  // Like the learned limit, the cold one allows a coarse run's first interval to hold only its start.
  let runThr = !learned ? Math.max(s.minRunMs, s.coldRunMs + (coarse ? m.dataCadenceMs : 0)) : Math.max(s.minRunMs, learnedRun * s.runFactor + m.dataCadenceMs);
  // A meter read less often than hourly shows an interval's water, its trailing hour that interval
  // prorated: the floor (a big hour's use, a bath and a laundry) is the interval's, not each of its
  // hours' (a daily meter let 12,000 L a day pass, a tap running for 40 h, though twice the
  // household's largest day was 800 L). Its relative part compares like with like (flow.ts learns
  // the prorated hour too).
  const hoursPerInterval = Math.max(1, m.dataCadenceMs / HOUR);
  let hourThr = Number.isNaN(m.flow.learnedMaxHourL) ? s.coldHourLiters : Math.max(s.minHourLiters / hoursPerInterval, m.flow.learnedMaxHourL * s.hourFactor);
  const learnedShort = m.flow.learnedMaxShortL;
  const shortThr = Number.isNaN(learnedShort) ? s.coldShortLiters : Math.max(s.shortLiters, learnedShort * s.shortFactor);
  if (away) {
    runThr = s.awayRunMs;
    hourThr = s.awayHourLiters;
  }
  // While away, only water used since the household left counts (not the shower before leaving).
  const runMs = away ? Math.max(0, Math.min(f.runMs, t - m.awayFrom)) : f.runMs;
  const hourLiters = away ? litersSince(m.flow, Math.max(t - HOUR, m.awayFrom)) : f.hourLiters;
  // Coarse meters only see whole intervals: ask for two more than the longest normal run...
  const learnedIntervals = Math.round(learnedRun / m.dataCadenceMs);
  const coarseOk = !coarse || f.runIntervals >= (!learned || away ? s.minRunIntervalsCoarse : Math.max(s.minRunIntervalsCoarse, learnedIntervals + 2));
  // ...or, once learned, when every interval after the first was a whole interval of real flow
  // (≥ sustainedLpm, so it did not stop in between), one more than the household's longest such run.
  const learnedSustained = m.flow.learnedMaxSustainedMs;
  const sustainedIntervals = Math.max(s.minRunIntervalsCoarse, Math.round(learnedSustained / m.dataCadenceMs) + 1);
  const sustained = coarse && learned && !away && f.runIntervals >= sustainedIntervals && runMs >= s.minRunMs && f.runTailMinLpm >= s.sustainedLpm;
  const runLong = runMs >= runThr && coarseOk;
  // A coarse meter with a tap's worth of water in every interval for hours (issue 9): longer
  // than the household's longest such streak plus a margin of intervals, and at least steadyMinMs.
  const learnedSteady = m.flow.learnedMaxSteadyMs;
  const steadyThr = Math.max(s.steadyMinMs, (Number.isNaN(learnedSteady) ? s.steadyMinMs : learnedSteady) + s.steadyExtraIntervals * m.dataCadenceMs);
  const steady = coarse && !away && f.steadyMs >= steadyThr;
  const hourBig = hourLiters >= hourThr;
  // Away, the hour rule's tiny threshold already covers any burst.
  const shortBig = !away && f.shortLiters >= shortThr;
  if (m.active.has('surge')) {
    // Only the day a surge was raised on used to be excluded: a tap left running from 22:00 to
    // 09:00 ended on a learnable day, and its 11-hour run (and its hours' litres) became the
    // household's normal, so for four weeks no shorter run was a surge. Every day a raised surge
    // spans is kept out of learning (a surge cleared in the last hour of a day still leaves its
    // water in the next day's first trailing hours: at most one hour's, and only the hour rule's).
    excludeFlowToday(m.flow);
    if (f.runMs === 0 && f.steadyMs === 0 && !hourBig && !shortBig) {
      clear(m, out, 'surge', now, t);
      restartWetStreak(m.flow, f, t);
    }
    return;
  }
  if (!runLong && !sustained && !hourBig && !shortBig && !steady) return;
  const reason = steady && !runLong && !sustained && !hourBig && !shortBig
    ? ex.explainSteady(f.steadyMs, f.steadyLiters, m.dataCadenceMs, f.steadyIntervals)
    : runLong
    ? ex.explainRun(runMs, f.runLiters, runThr, away, learnedRun)
    : sustained
      ? ex.explainSustainedRun(runMs, f.runLiters, f.runTailMinLpm, learnedSustained, sustainedIntervals * m.dataCadenceMs)
      : shortBig
        ? ex.explainShortVolume(f.shortLiters, s.shortWindowMs, shortThr, learnedShort)
        : !away && hoursPerInterval > 1 && f.intervalMs > HOUR
          ? ex.explainIntervalVolume(hourLiters, f.intervalMs, hourThr, m.flow.learnedMaxHourL)
          : ex.explainVolume(hourLiters, hourThr, away, m.flow.learnedMaxHourL);
  raise(m, out, 'surge', now, t, reason);
  excludeFlowToday(m.flow);
}

/** A meter read too seldom to see water stop (leak.maxCadenceMs) gets no leak rule; the
 *  dashboard's status (status.ts) asks the same question. */
export const tooCoarseForLeak = (cfg: DetectorConfig, m: MeterState): boolean => m.dataCadenceMs > cfg.leak.maxCadenceMs;

/** A known leak's share follows its rate. Left unfixed, worn flappers leak more: a leak raised at
 *  3 L/h that grew to 12 L/h had 9 L/h counted as use in every interval, so the silence never began
 *  and a fall went unfound. Once the never-dry streak spans the whole previous local day, the
 *  lowest rate of that day and today (drip.ts: nobody's use, the leak alone) is the leak's, up or
 *  down; not below leak.minLpm (a still reading of a stepped register inside the leak says nothing
 *  of its rate). */
function followLeak(cfg: DetectorConfig, m: MeterState, t: number): void {
  const f = m.flow;
  const yesterday = dayStart(dayIndex(t, cfg.utcOffsetMinutes) - 1, cfg.utcOffsetMinutes);
  if (!(f.lastDryAt <= yesterday)) return;
  const low = lowestLpm(f);
  if (low >= cfg.leak.minLpm) f.baselineLpm = low;
}

/**
 * A flowing leak has run dry: an interval below leak.minLpm, and (on a register that moves in
 * small steps) the register still for longer than a leak at the floor takes to move it a litre.
 * An interval below the floor alone is no end: a cistern refilling a litre every 15–25 min gave
 * 2 L in some hours (the floor is 2.4 L/h) and dry quarter-hours, so its leak was raised and
 * cleared every evening on hourly meters and cleared for good 15 min after it was raised on
 * 15-minute ones, while it leaked 70 L a day (tests/detect/leak-flap.test.ts). A coarse-step
 * register (10 L a pulse) keeps the step rule: it stands still for hours inside a leak.
 */
function stoodStill(cfg: DetectorConfig, m: MeterState, t: number): boolean {
  const f = m.flow;
  if (leakStepLiters(f, m.dataCadenceMs, coarseStepLiters(f), cfg) > 0) return true;
  return Number.isNaN(f.lastTickAt) || t - f.lastTickAt > LUMP_STILL_MS;
}

export function checkLeak(cfg: DetectorConfig, m: MeterState, out: DetectorEvent[], f: FlowFeatures, t: number, now: number): void {
  const l = cfg.leak;
  if (m.active.has('leak')) {
    // A refilling cistern's leak (raised with no share: a flowing one's is at least leak.minLpm)
    // ends when the register stands still; a flowing one's when it runs dry.
    const refills = m.flow.baselineLpm === 0;
    if (refills ? f.lumpMs === 0 : f.wetIntervals === 0 && stoodStill(cfg, m, t)) {
      m.flow.baselineLpm = 0;
      // The lump streak of a leak that stopped is the leak's, not a cistern's (it would run on
      // through the day's uses into a second leak).
      endLumps(m.flow);
      clear(m, out, 'leak', now, t);
    } else if (!refills) followLeak(cfg, m, t);
    return;
  }
  if (m.active.has('surge')) return; // a running tap is reported as a surge, not twice
  if (tooCoarseForLeak(cfg, m)) return;
  // A coarse-step register's streaks span the waking day (it moves once per 10 L): never less than the coarse floor.
  const stepped = leakStepLiters(m.flow, m.dataCadenceMs, coarseStepLiters(m.flow), cfg) > 0;
  const floor = stepped ? l.coarseFloorMs : Math.max(l.windowMs, Math.min(l.coarseFloorMs, l.minIntervals * m.dataCadenceMs));
  const learned = m.flow.learnedMaxWetMs;
  // Longer than the household's own longest streak × wetFactor (never below the floor).
  const ownMs = Number.isNaN(learned) ? floor : Math.max(floor, learned * l.wetFactor);
  const windowMs = Math.min(l.maxWindowMs, ownMs);
  // Read less often than maxWindowMs / minIntervals (about 1 h), minIntervals take days: a flow
  // no night of toilet visits makes (fastLpm in every interval) is a leak sooner, once it is
  // longer than the household's own such streaks (learned in place of the never-dry ones,
  // flow.ts; uncapped: a home whose appliances run all night, real-homes 890930db, keeps the
  // slow rule, so it only ever finds a leak earlier). At least a day's worth of intervals, so
  // that the streak spans a night (a 4-hourly meter's daytime intervals all hold 24 L).
  const dayOfIntervals = fastLeakIntervals(cfg, m.dataCadenceMs);
  const fast = dayOfIntervals < l.minIntervals && f.fastIntervals >= dayOfIntervals && f.fastMs >= ownMs;
  const slow = f.wetMs >= windowMs && f.wetIntervals >= l.minIntervals;
  if (!fast && !slow) {
    // A cistern that refills itself every 15–25 min, day and night: dry intervals between lumps,
    // but the register never still for as long as a leak at the floor takes to move it (refill.ts).
    // Its share is the refills' credit, not a rate subtracted from every interval.
    // On a 15-minute meter a trickle below the leak floor (0.5–2.4 L/h, in every interval: drip.ts)
    // is never still either; it is no leak. A cistern's refills leave dry intervals between them
    // (the lowest rate learned is 0). The learner needs a day or two to know a register's step,
    // and a coarse register's quarter-hours are still between its steps: nothing is said before.
    if (m.dataCadenceMs > LUMP_MAX_CADENCE_MS || f.lumpMs < l.maxWindowMs) return;
    if (m.dataCadenceMs > LUMP_TRICKLE_CADENCE_MS && (m.routine.learnedDays < 2 || dripLpm(m.flow) > 0)) return;
    m.flow.baselineLpm = 0;
    raise(m, out, 'leak', now, t, ex.explainLumpLeak(f.lumpMs));
    excludeFlowToday(m.flow);
    return;
  }
  if (!Number.isFinite(f.wetMinLpm)) return; // a streak the register has not moved in yet says nothing of its rate
  // The known leak is the least the streak ran at, subtracted from use so that no-usage still
  // works during it. The fast streak is the end of the never-dry one: when it is long enough, its
  // least is nearer the leak's rate (the never-dry streak may hold nights of a flush each before).
  const leakLpm = fast ? f.fastMinLpm : f.wetMinLpm;
  m.flow.baselineLpm = leakLpm;
  raise(m, out, 'leak', now, t, ex.explainLeak(fast ? f.fastMs : f.wetMs, leakLpm));
  excludeFlowToday(m.flow);
}
