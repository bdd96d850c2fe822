// Short signed, expiring acknowledgement links: /a/<token>, one per notification sent.
// token = base36(notification id) "." base36(expiry, minutes since epoch) "." HMAC-SHA256 tag
// (first 12 bytes, base64url; 96 bits is far beyond guessing within the link's lifetime).
// The secret comes from the config or is generated once and kept in the settings table.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const MIN = 60_000;
const TAG_BYTES = 12;

export interface LinkSigner {
  sign(notificationId: number, expiresAt: number): string;
  /** The notification id, or why the token is no good. */
  verify(token: string, now: number): { ok: true; notificationId: number; expiresAt: number } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired'; notificationId?: number };
}

export function createLinkSigner(secret: string): LinkSigner {
  if (secret.length < 16) throw new Error('expected a link secret of at least 16 characters');
  const tag = (body: string) => createHmac('sha256', secret).update(body).digest().subarray(0, TAG_BYTES);
  return {
    sign(notificationId, expiresAt) {
      const body = `${notificationId.toString(36)}.${Math.ceil(expiresAt / MIN).toString(36)}`;
      return `${body}.${tag(body).toString('base64url')}`;
    },
    verify(token, now) {
      const m = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{16})$/.exec(token);
      if (!m) return { ok: false, reason: 'malformed' };
      const given = Buffer.from(m[3]!, 'base64url');
      const want = tag(`${m[1]}.${m[2]}`);
      if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'bad-signature' };
      const notificationId = parseInt(m[1]!, 36);
      const expiresAt = parseInt(m[2]!, 36) * MIN;
      // Only a genuine token may say "expired" (and name its notification): a forged one learns nothing.
      if (now >= expiresAt) return { ok: false, reason: 'expired', notificationId };
      return { ok: true, notificationId, expiresAt };
    },
  };
}

export const generateSecret = (): string => randomBytes(32).toString('base64url');
