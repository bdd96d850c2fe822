// Lost deliveries are not outages. NB-IoT and LoRa meters lose a share of their uploads (radio
// fades, a QoS 0 publish dropped, a basement), independently of one another: a meter that loses
// 5 % of its 15-minute readings misses two in a row about seven times a month, and a fixed "three
// intervals silent → offline" rule then cries offline seven times a month on a meter that works.
// So each meter's loss rate is learned from its own delivery gaps (a gap of j intervals is j − 1
// lost deliveries), and the offline rule waits until the run of losses is one that meter would
// show by chance less than `offline.lossFalsePerMonth` times a month. A meter that loses nothing
// keeps the plain rule (offline.intervals). Gaps that reached the offline deadline were outages,
// already alerted, and are not counted as loss: a meter's real outages never make it tolerant.
import type { DetectorConfig } from './config.ts';
import type { DeliveryState } from './delivery.ts';
import { afterReturnMs } from './cadence-change.ts';
import { heartbeatMs, withHeartbeat } from './heartbeat.ts';

const DAY = 86_400_000;
/** Delivery slots (intervals) the loss rate is learned over: counts halve beyond this. */
const SLOT_WINDOW = 2000;
/** Deliveries seen before gaps are counted (the interval must be known first). */
const COUNT_AFTER = 5;
/** The highest loss rate believed: a meter that sends only when its register moves, with an
 *  hourly heartbeat, looks like a 1-min meter losing 95 % or more (its span stays bounded by
 *  offline.unlearnedMs, offlineSpanMs). */
const MAX_RATE = 0.99;
/** Until a meter has shown its own loss rate it is assumed to lose about 5 % (one in 20), with
 *  the weight of a day of its deliveries (4 to 50 slots), which its own slots soon outweigh: a
 *  new meter is not offline over two lost readings in its first hours. */
const PRIOR_RATE = 0.05;
const priorSlots = (s: DeliveryState): number => Math.min(50, Math.max(4, DAY / s.intervalMs));
/** A rate is told to people only once it rests on this many of the meter's own slots. */
const TOLD_AFTER = 50;

/** The share of this meter's deliveries that are lost (its own counts and the prior's). */
export function lossRate(s: DeliveryState): number {
  const w = priorSlots(s);
  return (s.missed + PRIOR_RATE * w) / (s.slots + w);
}

/** The loss rate the meter itself has shown (0 until it rests on enough slots): for texts. */
export const observedLossRate = (s: DeliveryState): number => (s.slots >= TOLD_AFTER ? s.missed / s.slots : 0);

/**
 * How many deliveries in a row this meter may lose before its silence is an outage: one fewer
 * than the shortest run it shows by chance at most `lossFalsePerMonth` times a month (a run of
 * r losses starts with chance about p^r in each interval), never fewer than the plain rule's.
 */
export function toleratedLosses(s: DeliveryState, cfg: DetectorConfig): number {
  const plain = Math.max(0, Math.ceil(cfg.offline.intervals) - 1);
  const p = lossRate(s);
  if (!(p > 0)) return plain;
  const perMonth = (30 * DAY) / s.intervalMs;
  const rare = Math.ceil(Math.log(cfg.offline.lossFalsePerMonth / perMonth) / Math.log(Math.min(MAX_RATE, p)));
  return Math.max(plain, rare - 1);
}

/** How long after its last arrival this (learned) meter is offline. */
export const offlineSpanMs = (s: DeliveryState, cfg: DetectorConfig): number => afterReturnMs(s, spanMs(s, cfg));

function spanMs(s: DeliveryState, cfg: DetectorConfig): number {
  const o = cfg.offline;
  // A report-on-change meter's missing slots are its idle intervals, not lost uploads: it is
  // waited for by its heartbeat alone (heartbeat.ts).
  if (!Number.isNaN(heartbeatMs(s))) return withHeartbeat(Math.max(o.minMs, o.intervals * s.intervalMs), s, cfg);
  const k = toleratedLosses(s, cfg);
  // The plain rule: `intervals` intervals. A tolerant one: k lost, and half an interval's grace
  // for the (k + 1)-th delivery to arrive.
  // A report-on-change meter is also waited for until its heartbeats are missed (heartbeat.ts).
  if (k <= Math.ceil(o.intervals) - 1) return withHeartbeat(Math.max(o.minMs, o.intervals * s.intervalMs), s, cfg);
  // Never longer than a meter with no known pattern is waited for (a day and more).
  return withHeartbeat(Math.max(o.minMs, o.intervals * s.intervalMs, Math.min((k + 1.5) * s.intervalMs, o.unlearnedMs)), s, cfg);
}

/** A new delivery came `gapMs` after the previous one began: count its slots and the lost ones.
 *  `spanMs`: the offline span it was judged by (the caller has it: computed once per delivery). */
export function countDeliveryGap(s: DeliveryState, gapMs: number, cfg: DetectorConfig, spanMs = offlineSpanMs(s, cfg)): void {
  if (s.count < COUNT_AFTER || !(s.intervalMs > 0) || gapMs >= spanMs) return;
  const j = Math.max(1, Math.round(gapMs / s.intervalMs));
  s.slots += j;
  s.missed += j - 1;
  // Halved in whole numbers (small integers cost no heap box per meter, issue 12.4).
  if (s.slots > SLOT_WINDOW) {
    s.slots = s.slots >> 1;
    s.missed = s.missed >> 1;
  }
}
