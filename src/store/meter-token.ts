// Meter credentials. The token is 24 random bytes (192 bits), so nobody can guess it and
// key stretching buys nothing; the salted hash only keeps a leaked database from handing out
// working credentials. A low scrypt cost (about 2 ms) keeps a reconnect storm of 10,000 meters
// to seconds of CPU instead of minutes. Parameters travel with the hash so they can change.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const N = 1024;
const R = 8;
const P = 1;
const KEY_LEN = 32;

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export function hashToken(token: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(token, salt, KEY_LEN, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export function tokenMatches(token: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = scryptSync(token, salt, expected.length, { N: n, r, p });
  return timingSafeEqual(actual, expected);
}

/** Hashed once at load so an unknown meter id costs the same time as a wrong password. */
let decoy: string | undefined;
export function burnVerifyTime(token: string): void {
  decoy ??= hashToken(generateToken());
  tokenMatches(token, decoy);
}
