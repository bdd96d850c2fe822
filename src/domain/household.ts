export interface Consent {
  /** Who gave consent (the resident or a legal guardian), as a name. */
  consentedBy: string;
  consentedAt: number;
  /** What the consent covers, e.g. ["water-monitoring", "notify-family", "notify-grid-worker"]. */
  scope: string[];
  withdrawnAt?: number;
}

export interface Household {
  id: string;
  name: string;
  address?: string;
  /** Community grid (网格) the household belongs to. */
  gridId?: string;
  consent?: Consent;
  /** While `now` is inside [awayFrom, awayUntil) the household is away: no-usage is suppressed. */
  awayFrom?: number;
  awayUntil?: number;
  createdAt: number;
}

export interface Meter {
  id: string;
  householdId: string;
  status: 'active' | 'revoked';
  createdAt: number;
}

/**
 * Who a contact is on the household's ladder. 'elder' is the resident (asked first, 关怀确认);
 * 'duty-officer' is the community's 值班人员, the last rung. 'neighbour'/'other' stay valid.
 */
export const CONTACT_ROLES = ['elder', 'grid-worker', 'family', 'duty-officer', 'neighbour', 'other'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
/** How a contact can be reached, in order of preference (a subset of the notify channels). */
export const CONTACT_CHANNELS = ['sms', 'voice', 'wechat', 'wecom'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type ContactLanguage = (typeof LANGUAGES)[number];

/** The rung a role stands on when none is given: the elder first, the duty officer last. */
export const DEFAULT_RUNG: Record<ContactRole, number> = { elder: 0, 'grid-worker': 1, neighbour: 1, family: 2, other: 2, 'duty-officer': 3 };

export interface Contact {
  id: string;
  householdId: string;
  name: string;
  role: ContactRole;
  phone?: string;
  wechatOpenId?: string;
  /** Position on the escalation ladder (0 = asked first); absent = DEFAULT_RUNG[role]. */
  rung?: number;
  /** Preference order; absent = sms (with a phone), then wechat (with an open id). */
  channels?: ContactChannel[];
  /** Absent = zh-CN. */
  lang?: ContactLanguage;
  /** WeCom group robot key (for a grid's group chat), used by the 'wecom' channel. */
  wecomKey?: string;
}

export const contactRung = (c: Pick<Contact, 'role' | 'rung'>): number => c.rung ?? DEFAULT_RUNG[c.role];

/** The channels a contact can actually be reached on, in their order of preference. */
export function contactChannels(c: Pick<Contact, 'channels' | 'phone' | 'wechatOpenId' | 'wecomKey'>): ContactChannel[] {
  const wanted = c.channels ?? (['sms', 'wechat', 'wecom'] as ContactChannel[]);
  return wanted.filter((ch) => (ch === 'sms' || ch === 'voice' ? !!c.phone : ch === 'wechat' ? !!c.wechatOpenId : !!c.wecomKey));
}

/** 王奶奶 → 王**; for logs (PIPL). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 4))}`;
}

export function hasActiveConsent(h: Pick<Household, 'consent'>): boolean {
  return !!h.consent && h.consent.withdrawnAt === undefined;
}

/**
 * 13800138000 → 138****8000 (PIPL: never show or log a full number). At least four digits are
 * always hidden: a 7- or 8-digit landline (common for elders living alone) shows only its last
 * 3 or 4 (****567, ****5678), not "623****4567", which was the whole number.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  const n = digits.length;
  if (n <= 4) return '*'.repeat(n);
  const lead = Math.min(3, Math.max(0, n - 8));
  const tail = Math.min(4, n - 4 - lead);
  return `${digits.slice(0, lead)}****${digits.slice(n - tail)}`;
}
