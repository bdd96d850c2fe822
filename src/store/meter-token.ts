// Meter credentials: how a token is generated, stored and checked.
//
// Why a meter token is not stored under a slow KDF (issue 12.5). A slow hash (scrypt, bcrypt,
// Argon2) exists to make *guessing* expensive when the secret is guessable: a human password
// has perhaps 20–40 bits of entropy, so multiplying the cost of each guess by 2^10–2^15 is what
// stands between a leaked database and the passwords. A meter token is not chosen by a person:
// it is 24 bytes from the CSPRNG (generateToken, the only source of tokens), 192 bits. Finding
// a token from its stored verifier takes ~2^191 evaluations whatever each one costs; scrypt at
// N=1024 would add about 2^11 to that, which changes nothing, and costs ~2 ms of CPU per
// CONNECT — 20 s of CPU for 10,000 meters reconnecting after a restart, on two cores.
//
// So a meter token is stored as `hmac-sha256$salt$mac` with mac = HMAC-SHA256(salt, token):
// a 16-byte random salt per meter (two meters never share a verifier, precomputation is
// useless), 256-bit output, compared with timingSafeEqual. It costs about 2 µs, on the loop,
// which is less than the thread-pool round trip scrypt needed. A leaked database still yields
// no working credential. No server-side secret ("pepper") is mixed in: it would protect only
// low-entropy secrets, which these are not, and losing it would lock out every meter.
// Dashboard passwords (password.ts) are chosen by people and stay on memory-hard scrypt.
//
// Migration: hashes written before (`scrypt$N$r$p$salt$hash`) are still verified, off the
// loop, and on the first successful CONNECT the store replaces the row's verifier with the
// fast one (meters.ts verifyAsync). No DB migration is needed: the column holds either form.
import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

const FAST = 'hmac-sha256';
const SALT_LEN = 16;

// The legacy scheme's parameters (still read from each hash; these only hash new legacy ones in tests).
const N = 1024;
const R = 8;
const P = 1;
const KEY_LEN = 32;

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

function mac(token: string, salt: Buffer): Buffer {
  return createHmac('sha256', salt).update(token, 'utf8').digest();
}

/** `hmac-sha256$salt$mac`, salt and mac in base64url: what every new or rotated token is stored as. */
export function hashToken(token: string): string {
  const salt = randomBytes(SALT_LEN);
  return [FAST, salt.toString('base64url'), mac(token, salt).toString('base64url')].join('$');
}

/** The scheme used before issue 12.5, `scrypt$N$r$p$salt$hash`: kept to verify old rows (and to make them in tests). */
export function hashTokenLegacy(token: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(token, salt, KEY_LEN, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True for a verifier in the old, slow form: it should be replaced once the token is known good. */
export function isLegacyHash(stored: string): boolean {
  return stored.startsWith('scrypt$');
}

function parseFast(stored: string) {
  const parts = stored.split('$');
  if (parts.length !== 3 || parts[0] !== FAST) return undefined;
  return { salt: Buffer.from(parts[1]!, 'base64url'), expected: Buffer.from(parts[2]!, 'base64url') };
}

function parseLegacy(stored: string) {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  return { opts: { N: n, r, p }, salt: Buffer.from(parts[4]!, 'base64url'), expected: Buffer.from(parts[5]!, 'base64url') };
}

/** Constant time in the token: a MAC of 32 bytes is compared, never the token itself. */
function fastMatches(token: string, stored: string): boolean | undefined {
  const h = parseFast(stored);
  if (!h) return undefined;
  const actual = mac(token, h.salt);
  return actual.length === h.expected.length && timingSafeEqual(actual, h.expected);
}

export function tokenMatches(token: string, stored: string): boolean {
  const fast = fastMatches(token, stored);
  if (fast !== undefined) return fast;
  const h = parseLegacy(stored);
  if (!h) return false;
  return timingSafeEqual(scryptSync(token, h.salt, h.expected.length, h.opts), h.expected);
}

/**
 * The CONNECT path. A fast verifier is checked at once (µs); a legacy scrypt hash runs on
 * libuv's thread pool, so a burst of old-format CONNECTs never stalls ingest or HTTP.
 */
export function tokenMatchesAsync(token: string, stored: string): Promise<boolean> {
  const fast = fastMatches(token, stored);
  if (fast !== undefined) return Promise.resolve(fast);
  const h = parseLegacy(stored);
  if (!h) return Promise.resolve(false);
  return new Promise((resolve, reject) =>
    scrypt(token, h.salt, h.expected.length, h.opts, (err, actual) => (err ? reject(err) : resolve(timingSafeEqual(actual, h.expected)))),
  );
}

// A decoy, made once, so an unknown meter id costs what a known one does (no id probing by
// timing). While old scrypt rows remain, a meter still on one answers slower than an unknown id
// would; that tells only that the id exists and has not connected since the upgrade, and ends
// with its first CONNECT.
let decoy: string | undefined;

export function burnVerifyTime(token: string): void {
  decoy ??= hashToken(generateToken());
  tokenMatches(token, decoy);
}

export async function burnVerifyTimeAsync(token: string): Promise<void> {
  decoy ??= hashToken(generateToken());
  await tokenMatchesAsync(token, decoy);
}
