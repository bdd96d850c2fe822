// Phone number forms the providers expect. Recipients carry either a mainland number (13800138000)
// or E.164 digits without '+' (8613800138000 / 85261234567).

/** E.164 with '+': Tencent PhoneNumberSet / CalledNumber ("+8613711112222"). */
export function toE164(phone: string): string | null {
  const d = phone.replace(/[\s-]/g, '').replace(/^\+/, '').replace(/^00/, '');
  if (!/^\d{6,15}$/.test(d)) return null;
  return /^1\d{10}$/.test(d) ? `+86${d}` : `+${d}`;
}

/** Aliyun PhoneNumbers: mainland numbers bare (1390000****), others with their country code and no '+'. */
export function toAliyunNumber(phone: string): string | null {
  const e = toE164(phone);
  if (e === null) return null;
  return e.startsWith('+86') ? e.slice(3) : e.slice(1);
}
