// A meter's delivery interval can change for good: a fleet firmware update moves 15-minute
// meters to hourly reporting to save battery. The learned interval is the median of the last
// nine delivery gaps, so it took five of the new gaps to move, and meanwhile the meter was
// offline at three old intervals and back at the next hour: five raise/clear pairs in five
// hours, each "usually reports every 15 min". So a meter back from an outage is waited for as
// long as that outage once more (the first one was a fair question); if it is back again after
// the same gap, that gap is its interval now. A meter back on its old interval spends the wait
// at its next delivery, so a real outage makes no meter tolerant for longer than one delivery.
import type { DetectorConfig } from './config.ts';
import type { DeliveryState } from './delivery.ts';
import { numsClear, numsMedian, numsPush } from './nums.ts';

/** Two gaps this close (a share of the gap, plus a grouping gap of jitter) are one interval. */
const SAME_GAP = 0.1;
/** The wait after a return: the outage's gap and a quarter more (the old span's share of slack). */
const RETURN_SLACK = 1.25;

/**
 * A delivery began `gapMs` after the previous one. True when the gap repeats the outage the
 * meter just came back from: that is its interval now, and replaces the learned gaps (it is
 * neither a loss nor a sample of the old interval).
 */
export function confirmsNewInterval(s: DeliveryState, gapMs: number, cfg: DetectorConfig): boolean {
  const back = s.backGapMs;
  if (!(back > 0 && Math.abs(gapMs - back) <= SAME_GAP * back + cfg.delivery.groupGapMs)) return false;
  numsClear(s.gaps);
  numsPush(s.gaps, back);
  numsPush(s.gaps, gapMs);
  s.intervalMs = numsMedian(s.gaps);
  s.backGapMs = 0;
  return true;
}

/** After the gap was counted: a gap that reached the offline span (`outage`) is waited for once
 *  more; any other spends the wait. Never longer than a meter with no known pattern. */
export function noteReturn(s: DeliveryState, gapMs: number, outage: boolean, cfg: DetectorConfig): void {
  s.backGapMs = outage && RETURN_SLACK * gapMs <= cfg.offline.unlearnedMs ? gapMs : 0;
}

/** The offline span of a meter just back from an outage: at least that outage's gap once more. */
export const afterReturnMs = (s: DeliveryState, spanMs: number): number => (s.backGapMs > 0 ? Math.max(spanMs, RETURN_SLACK * s.backGapMs) : spanMs);
