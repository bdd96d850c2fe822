// What the API shows of domain objects. Times stay epoch milliseconds, as in the domain.
// PIPL: a phone number leaves the service only masked.
import type { Contact, Household } from '../domain/household.ts';
import { hasActiveConsent, maskPhone } from '../domain/household.ts';

export function householdView(h: Household, now: number) {
  return {
    ...h,
    consentActive: hasActiveConsent(h),
    awayNow: h.awayFrom !== undefined && h.awayUntil !== undefined && h.awayFrom <= now && now < h.awayUntil,
  };
}

export function contactView(c: Contact) {
  const { phone, wecomKey, ...rest } = c;
  // A WeCom robot key lets anyone post into the group: shown only as set / not set.
  const shown = wecomKey === undefined ? rest : { ...rest, wecomKey: 'set' };
  return phone === undefined ? shown : { ...shown, phone: maskPhone(phone) };
}
