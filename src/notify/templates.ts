// The messages people receive, zh-CN first (English available per contact). Each says what
// happened, where, since when and what to do, with the detector's own explanation. Providers
// with registered templates get the same facts as named params (channels map names to their
// positional variables); each param fits the strictest documented variable limit we meet, and
// the whole text fits the providers' total limits (src/notify/channels/limits.ts).
import type { Alert, AlertType } from '../domain/alert.ts';
import { maskName } from '../domain/household.ts';
import type { NotificationPurpose } from '../alerting/escalation.ts';
import { clockText } from '../alerting/quiet-hours.ts';
import { TOKEN_PATTERN } from './links.ts';
import type { Language } from './types.ts';

/** Tencent SMS, individual accounts: "每个变量取值最多支持12个字" (limits.ts TENCENT_SMS_LIMITS). */
const SHORT_PARAM = 12;
/** Alibaba's default per-variable limit, 35 (limits.ts ALIYUN_SMS_LIMITS); the explanation and advice. */
const LONG_PARAM = 35;
/** Both SMS providers: 500 characters including the signature; Tencent VMS TTS: 350. Keep room for the 【签名】. */
export const MAX_TEXT = { text: 480, voice: 340 } as const;

const WHAT: Record<AlertType, { zh: string; en: string }> = {
  'no-usage': { zh: '长时间未用水', en: 'no water used' },
  surge: { zh: '用水异常大量', en: 'abnormal water flow' },
  leak: { zh: '疑似漏水', en: 'possible leak' },
  offline: { zh: '水表离线', en: 'meter offline' },
  'data-fault': { zh: '水表数据异常', en: 'meter data fault' },
  'battery-low': { zh: '水表电量低', en: 'meter battery low' },
};
const ACTION: Record<AlertType, { zh: string; en: string }> = {
  'no-usage': { zh: '请尽快致电或上门确认老人是否安好', en: 'please call or visit to check the resident is well' },
  surge: { zh: '可能水管爆裂或忘关水龙头，请尽快查看', en: 'a burst pipe or a tap left running: please check now' },
  leak: { zh: '请安排检查管道和用水器具', en: 'please arrange a check of pipes and fittings' },
  offline: { zh: '请检查水表供电和信号', en: 'please check the meter power and signal' },
  'data-fault': { zh: '请安排检查水表', en: 'please arrange a meter check' },
  'battery-low': { zh: '请安排更换水表电池', en: 'please arrange a battery change' },
};
const ALL_CLEAR: Record<AlertType, { zh: string; en: string }> = {
  'no-usage': { zh: '已恢复用水', en: 'water use resumed' },
  surge: { zh: '用水已恢复正常', en: 'water flow back to normal' },
  leak: { zh: '漏水已停止', en: 'the leak has stopped' },
  offline: { zh: '水表已恢复在线', en: 'the meter is back online' },
  'data-fault': { zh: '水表数据已恢复正常', en: 'meter data back to normal' },
  'battery-low': { zh: '水表电量已恢复', en: 'meter battery restored' },
};
/** A person closed it (a visit, a call): the condition may hold still, so the all-clear does not
 *  say it cleared (a grid worker resolving a no-usage after a visit to hospital, say). */
const HANDLED = { zh: '已有人处理', en: 'someone has seen to it' };

/** Cut to n characters (code points, as the providers count), with … when cut. */
export function clip(s: string, n: number): string {
  const chars = [...s.trim()];
  return chars.length <= n ? chars.join('') : `${chars.slice(0, n - 1).join('')}…`;
}

export interface TemplateInput {
  purpose: NotificationPurpose;
  lang: Language;
  alert: Alert;
  householdName: string;
  /** Address, else the grid id. */
  place?: string;
  /** The signed acknowledgement link and its token (Tencent forbids links in variables: the template holds the base). */
  link?: string;
  token?: string;
  /** For reminders: the count (2nd, 3rd …). */
  reminder?: number;
  /** Minutes the elder has to reply to a check-in. */
  windowMin?: number;
  now: number;
  offsetMin: number;
}

export interface Rendered {
  /** The provider template name (TEMPLATE_NAMES in src/notify/channels/config.ts). */
  template: 'alert' | 'check-in' | 'reminder' | 'all-clear';
  params: Record<string, string>;
  text: string;
}

const PERSONAL_PARAMS = ['name', 'place'] as const;

export function render(i: TemplateInput): Rendered {
  const zh = i.lang !== 'en';
  const a = i.alert;
  // "Since when": the detector's own clock time of the last use / last report when it gives one
  // (src/detect/explain.ts facts), else when the condition was observed.
  const fact = a.reason.facts.lastUse ?? a.reason.facts.lastReport;
  const since = typeof fact === 'string' && /^\d\d:\d\d$/.test(fact) ? fact : clockText(a.observedAt, i.offsetMin);
  // The variable limits are for provider TEMPLATE PARAMS only. The full text (a WeCom group's
  // markdown, the outbox, a provider taking free text) names the whole name and address: clipped
  // to 12 characters, "福田区莲花路 12 号 3 栋 501 室" lost exactly the building and flat that find the door.
  const name = i.householdName.trim();
  const place = (i.place ?? '').trim();
  const reason = zh ? a.reason.zh : a.reason.en;
  const params: Record<string, string> = {
    name: clip(name, SHORT_PARAM),
    place: clip(place, SHORT_PARAM),
    what: clip(zh ? WHAT[a.type].zh : WHAT[a.type].en, SHORT_PARAM),
    since,
    reason: clip(reason, LONG_PARAM),
    action: clip(zh ? ACTION[a.type].zh : ACTION[a.type].en, LONG_PARAM),
    token: i.token ?? '',
    link: i.link ?? '',
  };
  const at = (s: string) => (i.link ? s : '');
  const max = i.purpose === 'voice' ? MAX_TEXT.voice : MAX_TEXT.text;
  let template: Rendered['template'];
  // The text for a given explanation: over the total limit, the explanation is what gets shorter
  // (never the address or the link at the end).
  let textOf: (why: string) => string;
  switch (i.purpose) {
    case 'check-in':
      template = 'check-in';
      params.window = String(i.windowMin ?? 30);
      textOf = () =>
        zh
          ? `您好，今天还没有检测到用水，如一切平安请回复 1。${at(`也可点击 ${i.link} 确认。`)}`
          : `Hello, we have not seen any water use today. If all is well, please reply 1.${at(` Or tap ${i.link}`)}`;
      break;
    case 'all-clear': {
      template = 'all-clear';
      params.time = clockText(a.resolvedAt ?? i.now, i.offsetMin);
      const cleared = a.resolution === 'manual' ? HANDLED : ALL_CLEAR[a.type];
      params.what = clip(zh ? cleared.zh : cleared.en, SHORT_PARAM);
      textOf = () => (zh ? `${name}：${params.time} ${cleared.zh}，提醒已解除。` : `${name}: ${cleared.en} at ${params.time}; the alert is closed.`);
      break;
    }
    case 'reminder':
      template = 'reminder';
      params.n = String(i.reminder ?? 1);
      textOf = (why) =>
        zh
          ? `提醒（第${params.n}次）：${name}（${place}）${WHAT[a.type].zh}，自${since}起仍无人确认。${why} ${ACTION[a.type].zh}。${at(`确认请点 ${i.link} 或回复 1`)}`
          : `Reminder ${params.n}: ${name} (${place}) ${WHAT[a.type].en} since ${since}, not yet acknowledged. ${why} ${ACTION[a.type].en}.${at(` Acknowledge: ${i.link} or reply 1`)}`;
      break;
    default: {
      template = 'alert';
      const ask = i.purpose === 'voice' ? at(zh ? '请尽快确认。' : 'Please acknowledge.') : at(zh ? `确认请点 ${i.link} 或回复 1` : ` Acknowledge: ${i.link} or reply 1`);
      textOf = (why) =>
        zh
          ? `${name}（${place}）${WHAT[a.type].zh}，自${since}起。${why} ${ACTION[a.type].zh}。${ask}`
          : `${name} (${place}): ${WHAT[a.type].en} since ${since}. ${why} ${ACTION[a.type].en}.${i.purpose === 'voice' && ask ? ` ${ask}` : ask}`;
    }
  }
  let text = textOf(reason);
  const over = [...text].length - max;
  if (over > 0) text = textOf(clip(reason, Math.max(1, [...reason].length - over)));
  // Still too long (a name or an address of hundreds of characters): cut, as the providers would refuse it.
  return { template, params, text: clip(text, max) };
}

/** For logs (PIPL): names and places masked, phones never included. */
export function maskedParams(params: Record<string, string>): Record<string, string> {
  const out = { ...params };
  for (const k of PERSONAL_PARAMS) if (out[k]) out[k] = maskName(out[k]!);
  delete out.token;
  delete out.link;
  return out;
}

/** The rendered text with the household's name and place masked, for logs. The text names them
 *  whole while the params may hold them clipped ("福田区莲花路 12 号…"): a clipped value masks its
 *  prefix and the rest of the value up to the delimiter the templates put after it. */
export function maskText(text: string, params: Record<string, string>): string {
  let out = text;
  for (const k of PERSONAL_PARAMS) {
    const v = params[k];
    if (!v || v.length <= 1) continue;
    const cut = v.endsWith('…');
    const prefix = v.replace(/…$/, '');
    const pattern = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${cut ? '[^（）():：，,。]*' : ''}`, 'g');
    out = out.replace(pattern, maskName(v));
  }
  return out.replace(new RegExp(TOKEN_PATTERN.source, 'g'), '/a/<token>');
}
