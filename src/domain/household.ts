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

export interface Contact {
  id: string;
  householdId: string;
  name: string;
  role: 'family' | 'grid-worker' | 'neighbour' | 'other';
  phone?: string;
  wechatOpenId?: string;
}

export function hasActiveConsent(h: Pick<Household, 'consent'>): boolean {
  return !!h.consent && h.consent.withdrawnAt === undefined;
}

/** 13800138000 → 138****8000 (PIPL: never show or log a full number). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
