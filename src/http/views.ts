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
  const { phone, ...rest } = c;
  return phone === undefined ? rest : { ...rest, phone: maskPhone(phone) };
}
