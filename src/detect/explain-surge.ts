// Why a surge was raised, in words a grid worker understands (zh-CN first, then English, with
// the numbers behind the sentence). A figure called the household's usual is what it learned;
// the alert's limit is named as a limit (they differ: max(500 L, 2 × the usual hour), the run
// rule's × 1.3 plus an interval, and floors while learning).
import type { Explanation } from '../domain/alert.ts';
import { describeDuration, describeInterval } from './delivery.ts';

/** A run longer than `thresholdMs` (the alert's limit); `usualMs` is the household's learned
 *  longest run (NaN while learning). The limit is not the household's usual: a home whose longest
 *  run was 16 min is alerted at 25 (the floor), one read hourly at 60 (× 1.3 plus an interval). */
export function explainRun(runMs: number, liters: number, thresholdMs: number, away: boolean, usualMs = NaN): Explanation {
  const min = Math.round(runMs / 60_000);
  const thr = Math.round(thresholdMs / 60_000);
  const usual = Math.round(usualMs / 60_000);
  const learned = !Number.isNaN(usual);
  const L = Math.round(liters);
  // A learned longest run of 0: no interval of this household's ever held a run (an hourly meter).
  const why = !learned
    ? { zh: `超过 ${thr} 分钟的告警线（仍在学习该住户习惯）`, en: `past the ${thr}-min limit (still learning this household)` }
    : usual === 0
      ? { zh: `超过 ${thr} 分钟的告警线（该住户近几周没有过连续的用水）`, en: `past the ${thr}-min limit (this household has had no continuous flow in recent weeks)` }
      : { zh: `超过该住户平时最长用水时长（约 ${usual} 分钟）及 ${thr} 分钟的告警线`, en: `longer than this household's usual longest use (about ${usual} min) and past the ${thr}-min limit` };
  return {
    zh: away
      ? `住户外出期间水流持续 ${min} 分钟（${L} 升），可能有水管爆裂或水龙头未关。`
      : `水流已连续 ${min} 分钟未停（${L} 升），${why.zh}：可能是水龙头未关、水管爆裂或淋浴时跌倒。`,
    en: away
      ? `Water has flowed for ${min} min (${L} L) while the household is away: a burst pipe or a tap left running?`
      : `Water has flowed without stopping for ${min} min (${L} L), ${why.en}: a tap left running, a burst pipe, or a fall in the shower?`,
    facts: { runMinutes: min, runLiters: L, thresholdMinutes: thr, ...(learned && !away ? { usualMinutes: usual } : {}), away: away ? 'yes' : 'no' },
  };
}

/** A coarse run that never let up: every whole interval after the first ran at ≥ `minLpm`;
 *  `usualMs` is the household's longest such run in recent weeks. */
export function explainSustainedRun(runMs: number, liters: number, minLpm: number, usualMs: number, thresholdMs: number): Explanation {
  const min = Math.round(runMs / 60_000);
  const usual = Math.round(usualMs / 60_000);
  const lpm = Math.round(minLpm * 10) / 10;
  return {
    zh: `水流已连续 ${min} 分钟未停（${Math.round(liters)} 升，每个完整时段都在每分钟 ${lpm} 升以上），该住户近几周这样持续的用水最长约 ${usual} 分钟：可能是水龙头未关、水管爆裂或淋浴时跌倒。`,
    en: `Water has flowed without stopping for ${min} min (${Math.round(liters)} L, at least ${lpm} L/min in every whole reading interval); this household's longest such flow in recent weeks was about ${usual} min: a tap left running, a burst pipe, or a fall in the shower?`,
    facts: { runMinutes: min, runLiters: Math.round(liters), minLitersPerMinute: lpm, usualMinutes: usual, thresholdMinutes: Math.round(thresholdMs / 60_000), away: 'no' },
  };
}

/** Every coarse interval held a tap's worth of water for hours. */
export function explainSteady(ms: number, liters: number, intervalMs: number, intervals: number): Explanation {
  const dur = describeDuration(ms);
  const every = describeInterval(intervalMs);
  const per = Math.round(liters / Math.max(1, intervals));
  const lpm = Math.round((liters / Math.max(1, ms / 60_000)) * 10) / 10;
  return {
    zh: `已连续 ${dur.zh}${every.zh}都在用水，平均每次读数约 ${per} 升（约每分钟 ${lpm} 升），比该住户平时持续得久：可能是水龙头未关或水管漏水。`,
    en: `Water has been used in every reading interval (${every.en}) for ${dur.en}, about ${per} L each (about ${lpm} L/min), longer than this household ever does: a tap left running or a leaking pipe?`,
    facts: { runMinutes: Math.round(ms / 60_000), runLiters: Math.round(liters), litersPerInterval: per, litersPerMinute: lpm, away: 'no' },
  };
}

/** Too much water in the short window; `usualL` is the household's learned maximum there (NaN while learning). */
export function explainShortVolume(liters: number, windowMs: number, thresholdL: number, usualL: number): Explanation {
  const w = Math.round(windowMs / 60_000);
  const L = Math.round(liters);
  const thr = Math.round(thresholdL);
  const usual = Math.round(usualL);
  const learned = !Number.isNaN(usual);
  return {
    zh: `最近 ${w} 分钟用水 ${L} 升，${learned ? `远超该住户近几周任意 ${w} 分钟的最大用水量（约 ${usual} 升，告警线 ${thr} 升）` : `超过 ${thr} 升（仍在学习该住户习惯）`}：可能是水管爆裂或水龙头未关。`,
    en: `${L} L used in the last ${w} min, ${learned ? `far above this household's largest ${w}-min use in recent weeks (about ${usual} L; limit ${thr} L)` : `above ${thr} L (still learning this household)`}: a burst pipe or a tap left running?`,
    facts: { windowMinutes: w, windowLiters: L, thresholdLiters: thr, ...(learned ? { usualLiters: usual } : {}), away: 'no' },
  };
}

/** Too much water in the trailing hour; `usualL` is the household's learned largest hour (NaN
 *  while learning), `thresholdL` the alert's limit (at least 500 L, twice the usual). */
export function explainVolume(liters: number, thresholdL: number, away: boolean, usualL = NaN): Explanation {
  const L = Math.round(liters);
  const thr = Math.round(thresholdL);
  const usual = Math.round(usualL);
  const learned = !Number.isNaN(usual);
  const why = away
    ? { zh: '而住户正在外出', en: 'while the household is away' }
    : learned
      ? { zh: `远超该住户平时一小时最多约 ${usual} 升（告警线 ${thr} 升）`, en: `far above this household's usual hourly maximum (about ${usual} L), past the ${thr} L limit` }
      : { zh: `超过 ${thr} 升的告警线（仍在学习该住户习惯）`, en: `past the ${thr} L limit (still learning this household)` };
  return {
    zh: `最近一小时用水 ${L} 升，${why.zh}：可能是水管爆裂或水龙头未关。`,
    en: `${L} L used in the last hour, ${why.en}: a burst pipe or a tap left running?`,
    facts: { hourLiters: L, thresholdLiters: thr, ...(learned && !away ? { usualLiters: usual } : {}), away: away ? 'yes' : 'no' },
  };
}

/** A meter read less often than hourly: too much water in its last interval (`intervalMs` long),
 *  given as the trailing hour's prorated share `hourLiters`, against the limit `thresholdL` and the
 *  household's usual `usualL` per hour (NaN while learning), both prorated alike: said per interval. */
export function explainIntervalVolume(hourLiters: number, intervalMs: number, thresholdL: number, usualL: number): Explanation {
  const k = intervalMs / 3_600_000;
  const L = Math.round(hourLiters * k);
  const thr = Math.round(thresholdL * k);
  const usual = Math.round(usualL * k);
  const learned = !Number.isNaN(usual);
  const span = describeDuration(intervalMs);
  const why = learned
    ? { zh: `远超该住户近几周同样时长内的最大用水量（约 ${usual} 升，告警线 ${thr} 升）`, en: `far above this household's largest use over such a span in recent weeks (about ${usual} L), past the ${thr} L limit` }
    : { zh: `超过 ${thr} 升的告警线（仍在学习该住户习惯）`, en: `past the ${thr} L limit (still learning this household)` };
  return {
    zh: `上次读数以来（${span.zh}）用水 ${L} 升，${why.zh}：可能是水龙头未关或水管爆裂。`,
    en: `${L} L used since the previous reading (${span.en}), ${why.en}: a tap left running or a burst pipe?`,
    facts: { intervalHours: Math.round(k * 10) / 10, intervalLiters: L, thresholdLiters: thr, ...(learned ? { usualLiters: usual } : {}), away: 'no' },
  };
}
