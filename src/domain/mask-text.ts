// Phone numbers inside free text — a provider's error message quoting the number it refused —
// masked the way maskPhone masks a contact's number (PIPL: never log, store or show one whole).
// A contact may be a mainland mobile, a landline (common for elders living alone), or a family
// member abroad in E.164 digits (85261234567: src/notify/channels/phone.ts), so matching only
// mainland mobiles left the others whole in the log, the outbox and the notifications API.
//
// A digit run is a phone number when it is one of the `known` numbers (the recipient's, in any
// written form: with or without its country code, '+' or separators), is written as one
// (a leading '+', 7–15 digits; an international 00 prefix), or has a phone's unmistakable
// shape: a mainland mobile (86)1xxxxxxxxxx, a landline with its 0 area code (010-62345678), a
// Hong Kong / Macau / Taiwan number with its country code. Other digit runs — error codes,
// template and order ids, timestamps — stay as they are: a bare 8-digit run is as often an id
// as a number, and the numbers a provider quotes are the recipient's, which `known` covers.
import { maskPhone } from './household.ts';

/** A '+' number may be spaced or hyphenated ("+852 6123 4567"); others only hyphenated ("010-62345678"). */
const TOKEN = /(?<![\d+])(?:\+\d+(?:[ -]\d+)*|\d+(?:-\d+)*)(?!\d)/g;

const SHAPES = [
  /^(?:86)?1\d{10}$/, // mainland mobile
  /^0[1-9]\d{8,10}$/, // mainland landline with its area code: 0xx(x) + 7–8 digits
  /^00\d{7,15}$/, // international prefix
  /^(?:852|853)\d{8}$/, // Hong Kong, Macau
  /^886\d{9}$/, // Taiwan
];

function isPhone(digits: string, plus: boolean, known: readonly string[]): boolean {
  if (plus && digits.length >= 7 && digits.length <= 15) return true;
  for (const k of known) {
    // The provider may add the country code (86…) or quote the national part only.
    if (digits === k || (digits.endsWith(k) && digits.length - k.length <= 3) || (digits.length >= 7 && k.endsWith(digits))) return true;
  }
  return SHAPES.some((s) => s.test(digits));
}

/** `digits` masked as a contact's number is shown; a mainland mobile without its +86, as before. */
function mask(digits: string, plus: boolean): string {
  if (/^861\d{10}$/.test(digits)) return maskPhone(digits.slice(2));
  return `${plus ? '+' : ''}${maskPhone(digits)}`;
}

/** `text` with every phone-like digit run masked; `known`: numbers it may quote (the recipient's). */
export function maskPhonesIn(text: string, known: readonly (string | undefined)[] = []): string {
  const ks = known.flatMap((k) => (k ? [k.replace(/\D/g, '')] : [])).filter((k) => k.length >= 5);
  return text.replace(TOKEN, (token) => {
    const plus = token.startsWith('+');
    const digits = token.replace(/\D/g, '');
    if (isPhone(digits, plus, ks)) return mask(digits, plus);
    if (!/[ -]/.test(token)) return token;
    // Separated parts that are not one number together may each be one ("13800138000-1").
    return token.replace(/\+?\d+/g, (part) => {
      const p = part.startsWith('+');
      const d = part.replace(/\D/g, '');
      return isPhone(d, p, ks) ? mask(d, p) : part;
    });
  });
}
