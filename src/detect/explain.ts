// Why an alert fired, in words a grid worker understands: zh-CN first, then English,
// with the numbers behind the sentence. Surge texts: explain-surge.ts (re-exported).
import type { Explanation } from '../domain/alert.ts';
import type { SilenceVerdict } from './deadline.ts';
import { describeDuration, describeInterval } from './delivery.ts';
import { afterMin, clockOf, hhmm, hours1, minuteOfDay } from './time.ts';

export * from './explain-surge.ts';

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

/** A cistern that refills itself: the register moved at least every half hour for `ms`. */
export function explainLumpLeak(ms: number): Explanation {
  return {
    zh: `已 ${h(ms)} 小时水表每隔不到半小时就走一次，夜里也不停，疑似漏水（如马桶水箱反复自动补水）。`,
    en: `For ${h(ms)} h the meter has moved at least every half hour, night and day: probably a leak, e.g. a toilet cistern that keeps refilling.`,
    facts: { hours: hours1(ms), pattern: 'refills' },
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
