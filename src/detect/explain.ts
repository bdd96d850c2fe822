// Why an alert fired, in words a grid worker understands: zh-CN first, then English,
// with the numbers behind the sentence.
import type { Explanation } from '../domain/alert.ts';
import type { SilenceVerdict } from './deadline.ts';
import { describeDuration, describeInterval } from './delivery.ts';
import { afterMin, clockOf, hhmm, hours1, minuteOfDay } from './time.ts';

const h = (ms: number) => hours1(ms).toFixed(1);

export function explainMorning(lastUseAt: number, t: number, usualFirstUseMin: number, thresholdMs: number, off: number): Explanation {
  const now = clockOf(t, off);
  const usual = hhmm(usualFirstUseMin);
  const lateMs = afterMin(minuteOfDay(t, off), usualFirstUseMin) * 60_000;
  const late = describeDuration(lateMs);
  return {
    zh: `平时通常在 ${usual} 前开始用水；今天到 ${now} 仍未用水（比平时晚 ${late.zh}，上次用水 ${clockOf(lastUseAt, off)}）。`,
    en: `Usually first uses water by ${usual}; none by ${now} (${late.en} later than usual; last use ${clockOf(lastUseAt, off)}).`,
    facts: { usualFirstUse: usual, observedAt: now, hoursLate: hours1(lateMs), silenceHours: hours1(t - lastUseAt), thresholdHours: hours1(thresholdMs), lastUse: clockOf(lastUseAt, off), model: 'learned' },
  };
}

export function explainSilence(lastUseAt: number, t: number, v: SilenceVerdict, learnedDays: number, off: number, due = v.deadline): Explanation {
  const since = clockOf(lastUseAt, off);
  const s = t - lastUseAt;
  const thresholdMs = due - lastUseAt;
  if (!v.learned)
    return {
      zh: `自 ${since} 起已 ${h(s)} 小时未用水（仍在学习该住户作息，暂用固定阈值 ${h(thresholdMs)} 小时）。`,
      en: `No water used since ${since} (${h(s)} h); still learning this household's routine, so the fixed ${h(thresholdMs)} h limit applies.`,
      facts: { lastUse: since, silenceHours: hours1(s), thresholdHours: hours1(thresholdMs), model: 'backstop' },
    };
  const facts = { lastUse: since, silenceHours: hours1(s), thresholdHours: hours1(thresholdMs), learnedDays, model: 'learned' };
  // The precedent: the latest that a silence beginning around this time of day has lasted.
  if (!Number.isNaN(v.precedentEnd) && v.precedentEnd - lastUseAt >= 30 * 60_000) {
    const until = clockOf(v.precedentEnd, off);
    return {
      zh: `自 ${since} 起已 ${h(s)} 小时未用水；过去 ${learnedDays} 天里，该住户在这个时间开始的安静最晚到 ${until} 就会结束。`,
      en: `No water used since ${since} (${h(s)} h); over the past ${learnedDays} days, this household's silences that began around this time always ended by ${until}.`,
      facts: { ...facts, latestUsualEnd: until },
    };
  }
  return {
    zh: `自 ${since} 起已 ${h(s)} 小时未用水；过去 ${learnedDays} 天里，该住户在这个时段从未安静超过 ${h(thresholdMs)} 小时。`,
    en: `No water used since ${since} (${h(s)} h); over the past ${learnedDays} days, this household was never silent for ${h(thresholdMs)} h at this time of day.`,
    facts,
  };
}

export function explainRun(runMs: number, liters: number, thresholdMs: number, away: boolean, learned = true): Explanation {
  const min = Math.round(runMs / 60_000);
  const thr = Math.round(thresholdMs / 60_000);
  return {
    zh: away
      ? `住户外出期间水流持续 ${min} 分钟（${Math.round(liters)} 升），可能有水管爆裂或水龙头未关。`
      : `水流已连续 ${min} 分钟未停（${Math.round(liters)} 升），超过${learned ? `该住户平时最长用水时长（约 ${thr} 分钟）` : ` ${thr} 分钟（仍在学习该住户习惯）`}：可能是水龙头未关、水管爆裂或淋浴时跌倒。`,
    en: away
      ? `Water has flowed for ${min} min (${Math.round(liters)} L) while the household is away: a burst pipe or a tap left running?`
      : `Water has flowed without stopping for ${min} min (${Math.round(liters)} L), longer than ${learned ? `this household's usual longest use (about ${thr} min)` : `${thr} min (still learning this household)`}: a tap left running, a burst pipe, or a fall in the shower?`,
    facts: { runMinutes: min, runLiters: Math.round(liters), thresholdMinutes: thr, away: away ? 'yes' : 'no' },
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

export function explainVolume(liters: number, thresholdL: number, away: boolean, learned = true): Explanation {
  return {
    zh: `最近一小时用水 ${Math.round(liters)} 升，${away ? '而住户正在外出' : learned ? `远超该住户平时一小时最多约 ${Math.round(thresholdL)} 升` : `超过 ${Math.round(thresholdL)} 升`}：可能是水管爆裂或水龙头未关。`,
    en: `${Math.round(liters)} L used in the last hour, ${away ? 'while the household is away' : learned ? `far above this household's usual hourly maximum (about ${Math.round(thresholdL)} L)` : `above ${Math.round(thresholdL)} L`}: a burst pipe or a tap left running?`,
    facts: { hourLiters: Math.round(liters), thresholdLiters: Math.round(thresholdL), away: away ? 'yes' : 'no' },
  };
}

export function explainLeak(wetMs: number, minLpm: number): Explanation {
  const lph = Math.round(minLpm * 60 * 10) / 10;
  return {
    zh: `水流已 ${h(wetMs)} 小时没有停过（最低约每小时 ${lph} 升），疑似漏水（如马桶水箱漏水）。`,
    en: `Water has not stopped flowing for ${h(wetMs)} h (never below about ${lph} L/h): probably a leak, e.g. a running toilet cistern.`,
    facts: { wetHours: hours1(wetMs), minLitersPerHour: lph },
  };
}

/** Offline in delivery terms: "通常每小时上报一次，已 3 小时未上报". `intervalMs` is the learned delivery interval. */
/** `intervalMs` NaN: the meter's reporting pattern is not learned yet (one delivery so far). */
export function explainOffline(silentMs: number, intervalMs: number, lastAt: number, off: number, lossRate = 0, heartbeatMs = NaN): Explanation {
  const silent = describeDuration(silentMs);
  const last = clockOf(lastAt, off);
  if (Number.isNaN(intervalMs))
    return {
      zh: `水表首次上报后已 ${silent.zh}没有再上报（最后一次在 ${last}；上报规律尚未掌握）。请检查水表或网络；这不代表住户未用水。`,
      en: `The meter has not reported again for ${silent.en} since its first report (last at ${last}; its reporting pattern is not known yet). Check the meter or its network; this says nothing about water use.`,
      facts: { silentHours: hours1(silentMs), silentMinutes: Math.round(silentMs / 60_000), lastReport: last },
    };
  if (!Number.isNaN(heartbeatMs)) {
    // A report-on-change meter: its usual interval is its heartbeat, not the spacing of its readings.
    const beat = describeInterval(heartbeatMs);
    return {
      zh: `水表在用水时上报，不用水时约${beat.zh}上报一次，已 ${silent.zh}未上报（最后一次在 ${last}）。请检查水表或网络；这不代表住户未用水。`,
      en: `The meter reports when water is used and about ${beat.en} otherwise; it has not reported for ${silent.en} (last at ${last}). Check the meter or its network; this says nothing about water use.`,
      facts: { silentHours: hours1(silentMs), silentMinutes: Math.round(silentMs / 60_000), heartbeatMinutes: Math.round(heartbeatMs / 60_000), lastReport: last },
    };
  }
  const every = describeInterval(intervalMs);
  // A meter known to lose uploads is told as such: its silence was waited for longer.
  const lossPct = Math.round(lossRate * 100);
  const lossZh = lossPct >= 1 ? `，约 ${lossPct}% 的上报会丢失` : '';
  const lossEn = lossPct >= 1 ? `, losing about ${lossPct}% of its reports` : '';
  return {
    zh: `水表通常${every.zh}上报一次${lossZh}，已 ${silent.zh}未上报（最后一次在 ${last}）。请检查水表或网络；这不代表住户未用水。`,
    en: `The meter usually reports ${every.en}${lossEn}; it has not reported for ${silent.en} (last at ${last}). Check the meter or its network; this says nothing about water use.`,
    facts: {
      silentHours: hours1(silentMs),
      silentMinutes: Math.round(silentMs / 60_000),
      cadenceMinutes: Math.round(intervalMs / 60_000),
      lastReport: last,
      ...(lossPct >= 1 ? { lossPercent: lossPct } : {}),
    },
  };
}

/** The meter's clock is off: its readings are corrected by the estimated offset and still used. */
export function explainClock(offsetMs: number): Explanation {
  const fast = offsetMs > 0;
  const by = describeDuration(Math.abs(offsetMs));
  return {
    zh: `水表时钟${fast ? '偏快' : '偏慢'}约 ${by.zh}（按到达时间估计）。读数时间已自动校正并继续使用；请校准水表时钟。`,
    en: `The meter's clock runs ${fast ? 'fast' : 'slow'} by about ${by.en} (estimated from arrival times). Its readings are corrected and still used; please set the meter's clock.`,
    facts: { fault: 'clock-skew', clockOffsetMinutes: Math.round(offsetMs / 60_000) },
  };
}

/** The meter's clock is too far off to correct (clock.ts farClockMs): its readings cannot be used. */
export function explainClockFar(offsetMs: number): Explanation {
  const fast = offsetMs > 0;
  const by = describeDuration(Math.abs(offsetMs));
  return {
    zh: `水表时钟${fast ? '偏快' : '偏慢'}约 ${by.zh}（按到达时间估计），超出可自动校正的范围：读数无法使用，该户目前无法监测用水。请尽快校准水表时钟。`,
    en: `The meter's clock runs ${fast ? 'fast' : 'slow'} by about ${by.en} (estimated from arrival times), too far off to correct: its readings cannot be used and this home's water use is not being watched. Please set the meter's clock soon.`,
    facts: { fault: 'clock-far-off', clockOffsetMinutes: Math.round(offsetMs / 60_000) },
  };
}

const FAULT_ZH: Record<string, string> = {
  'absurd-jump': '读数突然跳变',
  'counter-reset': '读数倒退（计数器复位或换表）',
  'conflicting-duplicate': '同一时刻出现两个不同读数',
  rebased: '水表读数基准已更换（换表或复位）',
};
/** A register difference for people: whole litres from 10 L, else to 0.1 L, else to the
 *  millilitre. Rounded to whole litres, a fine meter's re-send 0.3 L higher read "two different
 *  readings (0 L)". */
const litersShown = (l: number): number => (Math.abs(l) >= 10 ? Math.round(l) : Math.round(l * 10) / 10 || Math.round(l * 1000) / 1000);

export function explainFault(why: string, deltaLiters: number): Explanation {
  const d = litersShown(deltaLiters);
  return {
    zh: `数据异常：${FAULT_ZH[why] ?? why}（${d} 升）。该读数未计入用水，不会触发用水告警。`,
    en: `Bad meter data: ${why.replace(/-/g, ' ')} (${d} L). The reading was not counted as water use and raises no usage alert.`,
    facts: { fault: why, deltaLiters: d },
  };
}

/** The register moves in steps too coarse to show a household's uses (no-usage is off for it). */
export function explainCoarseRegister(stepL: number): Explanation {
  const step = Math.round(stepL);
  return {
    zh: `水表读数每次跳变 ${step} 升，分辨率太低，无法据此判断住户是否长时间未用水（小量漏水也难以发现），该户的未用水告警已停用。请更换为分辨率 10 升或更细的水表。`,
    en: `The meter's register moves in steps of ${step} L: too coarse to tell whether the household has stopped using water (or to see a small leak), so no-usage alerts are off for it. Replace it with a meter of 10 L resolution or finer.`,
    facts: { registerStepLiters: step },
  };
}

export function explainBattery(battery: number): Explanation {
  return {
    zh: `水表电量低（${battery}%），请安排更换电池。`,
    en: `Meter battery low (${battery}%): schedule a battery change.`,
    facts: { battery },
  };
}
