// Short signed acknowledgement links: /a/<token>, one per notification sent.
// token = base36(notification id) + the first 6 bytes of HMAC-SHA256(secret, "ack:<id>") in
// base64url (8 characters): 12 characters for the first 1.6 million notifications, so it fits
// a Tencent SMS variable even on an individually verified account ("每个变量取值最多支持12个字",
// src/notify/channels/limits.ts). 48 bits cannot be guessed online within a link's lifetime.
// The link expires with its notification (created_at + linkTtlHours), checked by the route.
// The secret comes from the config or is generated once and kept in the settings table.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TAG_CHARS = 8;

export interface LinkSigner {
  sign(notificationId: number): string;
  /** The notification id, or why the token is no good (a forged one learns nothing more). */
  verify(token: string): { ok: true; notificationId: number } | { ok: false; reason: 'malformed' | 'bad-signature' };
}

export function createLinkSigner(secret: string): LinkSigner {
  if (secret.length < 16) throw new Error('expected a link secret of at least 16 characters');
  const tag = (id: number) => createHmac('sha256', secret).update(`ack:${id}`).digest().subarray(0, 6).toString('base64url');
  return {
    sign: (notificationId) => `${notificationId.toString(36)}${tag(notificationId)}`,
    verify(token) {
      const m = /^([0-9a-z]{1,10})([A-Za-z0-9_-]{8})$/.exec(token);
      if (!m) return { ok: false, reason: 'malformed' };
      const notificationId = parseInt(m[1]!, 36);
      const given = Buffer.from(m[2]!);
      const want = Buffer.from(tag(notificationId));
      if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'bad-signature' };
      return { ok: true, notificationId };
    },
  };
}

export const TOKEN_PATTERN = /\/a\/[0-9a-z]{1,10}[A-Za-z0-9_-]{8}/;
export const generateSecret = (): string => randomBytes(32).toString('base64url');
