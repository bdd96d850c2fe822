// Meter credentials. The token is 24 random bytes (192 bits), so nobody can guess it and
// key stretching buys nothing; the salted hash only keeps a leaked database from handing out
// working credentials. A low scrypt cost (about 2 ms) keeps a reconnect storm of 10,000 meters
// to seconds of CPU instead of minutes. Parameters travel with the hash so they can change.
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

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

function parse(stored: string) {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  return { opts: { N: n, r, p }, salt: Buffer.from(parts[4]!, 'base64url'), expected: Buffer.from(parts[5]!, 'base64url') };
}

export function tokenMatches(token: string, stored: string): boolean {
  const h = parse(stored);
  if (!h) return false;
  return timingSafeEqual(scryptSync(token, h.salt, h.expected.length, h.opts), h.expected);
}

/**
 * The same check off the event loop: crypto.scrypt runs on libuv's thread pool, so a burst
 * of CONNECTs (issue 12: 1.9 ms of CPU each, on the loop) no longer stalls ingest or HTTP.
 */
export function tokenMatchesAsync(token: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return Promise.resolve(false);
  return new Promise((resolve, reject) =>
    scrypt(token, h.salt, h.expected.length, h.opts, (err, actual) => (err ? reject(err) : resolve(timingSafeEqual(actual, h.expected)))),
  );
}

/** Hashed once at load so an unknown meter id costs the same time as a wrong password. */
let decoy: string | undefined;
export function burnVerifyTime(token: string): void {
  decoy ??= hashToken(generateToken());
  tokenMatches(token, decoy);
}

export async function burnVerifyTimeAsync(token: string): Promise<void> {
  decoy ??= hashToken(generateToken());
  await tokenMatchesAsync(token, decoy);
}
