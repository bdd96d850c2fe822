// When and how a meter delivers, learned from arrivals: its deliveries (not the spacing of the
// readings inside one) and its clock. A delivery is a burst of messages close together in
// arrival time: one reading, one batch message, or an hour of readings sent as many messages
// in no particular order over a minute or two (NB-IoT retries, QoS 1 redelivery). The offline
// rule waits for missed *deliveries*; the clock estimate (clock.ts) corrects a steady skew.
import type { DetectorConfig } from './config.ts';
import { noteFarLag, updateOffset } from './clock.ts';
import { confirmsNewInterval, noteReturn } from './cadence-change.ts';
import { countDeliveryGap, offlineSpanMs } from './delivery-loss.ts';
import type { HeartbeatState } from './heartbeat.ts';
import { type Nums, nums, numAt, numsDropFront, numsLength, numsMedian, numsPush } from './nums.ts';
import { HOUR } from './time.ts';

export interface DeliveryState extends HeartbeatState {
  /** First arrival of the current delivery and last arrival of any message (NaN before any). */
  startAt: number;
  lastAt: number;
  /** Recent delivery start-to-start gaps (oldest first; nums.ts); their median is the learned delivery interval. */
  gaps: Nums;
  intervalMs: number;
  /** Deliveries seen (the interval is trusted after a few). */
  count: number;
  /** Newest-reading lag (ts − arrival) of recent messages (oldest first), and of the current one. */
  lags: Nums;
  msgAt: number;
  msgLag: number;
  /** The correction applied to this meter's timestamps: meter clock − real time (ms). */
  offsetMs: number;
  /** Arrival of the first of the latest messages whose lag is beyond any correction (NaN: the
   *  latest is not): how long the meter's clock has been too far off to use (clock.ts). */
  farFrom: number;
  /** This meter has delivered out of order: its deliveries are held and re-sorted. */
  shuffles: boolean;
  /** Readings that came later than the watermark (counted; see detector onReading). */
  late: number;
  /** Delivery slots seen and lost (decayed counts; delivery-loss.ts): the meter's loss rate. */
  slots: number;
  missed: number;
  /** The gap of the outage the meter just came back from (0: none), waited for once more in
   *  case it is the meter's new interval (cadence-change.ts). */
  backGapMs: number;
}

export const createDelivery = (defaultIntervalMs: number): DeliveryState => ({
  startAt: NaN,
  lastAt: NaN,
  gaps: nums(1),
  intervalMs: defaultIntervalMs,
  count: 0,
  lags: nums(1),
  msgAt: NaN,
  msgLag: NaN,
  offsetMs: 0,
  farFrom: NaN,
  shuffles: false,
  late: 0,
  slots: 0,
  missed: 0,
  backGapMs: 0,
  // Listed here, not spread from heartbeat.ts: a spread puts them outside the object (an extra
  // property array per meter, about 160 B at 10,000 meters' scale; issue 12.4).
  stillLogMilli: 0,
  moveLogMilli: 0,
  stillSeen: 0,
  moveSeen: 0,
  gappedMoves: 0,
  shortStills: 0,
  stepLogMilli: 0,
  stepSeen: 0,
  stillDevMilli: 0,
  gridLogMilli: 0,
  gridDevMilli: 0,
});

const GAP_WINDOW = 9;


/** Has a gap between two deliveries been seen (the interval is learned, not the default)? */
export const deliveryLearned = (s: DeliveryState): boolean => numsLength(s.gaps) > 0;

/** Messages this close in arrival belong to one delivery: never more than half the data cadence
 *  (NaN while it is not known yet: cfg.delivery.groupGapMs alone). */
export const groupGapMs = (cfg: DetectorConfig, dataCadenceMs: number): number =>
  Number.isNaN(dataCadenceMs) ? cfg.delivery.groupGapMs : Math.max(1000, Math.min(cfg.delivery.groupGapMs, dataCadenceMs / 2));

/**
 * One reading arrived (raw meter `ts`). Updates the delivery pattern and the clock estimate;
 * returns true when it opened a new delivery.
 */
export function noteArrival(s: DeliveryState, ts: number, receivedAt: number, dataCadenceMs: number, cfg: DetectorConfig, fresh = true, groupCadenceMs = dataCadenceMs): boolean {
  const lag = ts - receivedAt;
  let lagged = true;
  if (receivedAt !== s.msgAt) {
    if (!Number.isNaN(s.msgAt)) {
      numsPush(s.lags, s.msgLag);
      if (numsLength(s.lags) > cfg.clock.window) numsDropFront(s.lags, 1);
    }
    s.msgAt = receivedAt;
    s.msgLag = lag;
  } else if (lag > s.msgLag) s.msgLag = lag;
  else lagged = false;

  let opened = false;
  // A burst that only re-sends what was already delivered (a lost PUBACK, a modem retry) proves
  // the meter alive but is not one of its scheduled deliveries: it does not set the interval.
  if ((Number.isNaN(s.lastAt) || receivedAt - s.lastAt > groupGapMs(cfg, groupCadenceMs)) && fresh) {
    const gap = receivedAt - s.startAt;
    if (!Number.isNaN(s.startAt) && gap > 0 && !confirmsNewInterval(s, gap, cfg)) {
      const span = offlineSpanMs(s, cfg);
      countDeliveryGap(s, gap, cfg, span);
      numsPush(s.gaps, gap);
      if (numsLength(s.gaps) > GAP_WINDOW) numsDropFront(s.gaps, 1);
      s.intervalMs = numsMedian(s.gaps);
      noteReturn(s, gap, gap >= span, cfg);
    }
    s.startAt = receivedAt;
    s.count++;
    opened = true;
  }
  if (!(receivedAt <= s.lastAt)) s.lastAt = receivedAt;
  if (lagged) noteFarLag(s, cfg);
  if (lagged || opened) updateOffset(s, dataCadenceMs, cfg);
  return opened;
}

/** How long after it was taken a meter's freshest reading arrives, at most, over its recent
 *  messages (after the clock correction; a batch meter's last reading waits for the upload). */
export function stalenessMs(s: DeliveryState): number {
  let worst = Number.isNaN(s.msgLag) ? 0 : s.offsetMs - s.msgLag;
  for (let i = 0, n = numsLength(s.lags); i < n; i++) worst = Math.max(worst, s.offsetMs - numAt(s.lags, i));
  return Math.max(0, worst);
}

/** Hours or minutes, rounded for people: "每小时", "每 15 分钟", "每 2 小时", "每天". */
export function describeInterval(ms: number): { zh: string; en: string } {
  const min = ms / 60_000;
  if (min < 1.5) return { zh: '每分钟', en: 'every minute' };
  if (min < 50) {
    const n = Math.round(min);
    return { zh: `每 ${n} 分钟`, en: `every ${n} min` };
  }
  if (ms < 1.25 * HOUR) return { zh: '每小时', en: 'every hour' };
  if (ms < 20 * HOUR) {
    const n = Math.round((ms / HOUR) * 2) / 2;
    return { zh: `每 ${n} 小时`, en: `every ${n} h` };
  }
  if (ms < 36 * HOUR) return { zh: '每天', en: 'every day' };
  const d = Math.round(ms / (24 * HOUR));
  return { zh: `每 ${d} 天`, en: `every ${d} days` };
}

/** A duration for people, never "0.0": "3 分钟", "2.5 小时", "3 天". */
export function describeDuration(ms: number): { zh: string; en: string } {
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 60) return { zh: `${min} 分钟`, en: `${min} min` };
  if (ms < 48 * HOUR) {
    const h = Math.round((ms / HOUR) * 10) / 10;
    return { zh: `${h} 小时`, en: `${h} h` };
  }
  const d = Math.round((ms / (24 * HOUR)) * 10) / 10;
  return { zh: `${d} 天`, en: `${d} days` };
}
