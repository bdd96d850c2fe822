// Passwords of people (not meters): scrypt with a memory-hard cost, run off the event loop
// (crypto.scrypt uses the libuv pool), compared in constant time. Parameters travel with the
// hash (`scrypt$N$r$p$salt$hash`) so the cost can be raised later without breaking old hashes.
// Cost: OWASP Password Storage Cheat Sheet, scrypt N=2^15 (here 2^15, r=8, p=1: 32 MiB, tens of ms).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
// scrypt needs 128·N·r bytes; node's default maxmem (32 MiB) is exactly that, so leave headroom.
const MAXMEM = 128 * N * R * 2;

function derive(password: string, salt: Buffer, len: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, KEY_LEN, { N, r: R, p: P, maxmem: MAXMEM });
  return ['scrypt', N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = await derive(password, salt, expected.length, { N: n, r, p, maxmem: Math.max(MAXMEM, 128 * n * r * 2) });
  return timingSafeEqual(actual, expected);
}

let decoy: Promise<string> | undefined;
/** An unknown username costs the same hash as a wrong password, so names cannot be probed by timing. */
export async function burnPasswordTime(password: string): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await passwordMatches(password, await decoy);
}

/** 18 random bytes → 24 URL-safe characters: what a generated password (first admin, reset) looks like. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
