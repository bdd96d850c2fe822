// The two primitives both cloud signers are built from (adapter code: node:crypto is allowed here).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: string | Uint8Array, msg: string): Buffer {
  return createHmac('sha256', key).update(msg, 'utf8').digest();
}

/** Constant-time string comparison (signatures, shared secrets): unequal lengths are simply unequal. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
