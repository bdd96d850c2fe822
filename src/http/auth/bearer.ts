// The machines' bearer token for /api/* (`http.apiToken`, ANXIN_API_TOKEN). Compared in
// constant time and never logged; a failure says what was expected, not what was received.
import { createHash, timingSafeEqual } from 'node:crypto';

// Hashing both sides first gives equal-length buffers, so length leaks nothing either.
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * RFC 6750 §2.1: "Bearer" followed by the token; the scheme name is case-insensitive (RFC 9110 §11.1).
 * undefined = no bearer credential: no header, or a header of another scheme (a reverse proxy's
 * `Basic …` reaches us on every request and is not addressed to Anxin). '' = a malformed bearer
 * header ("Bearer" with no token, or more than one), which never matches the configured token.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  if (!/^Bearer(?:[ ]|$)/i.test(header.trimStart())) return undefined;
  const match = /^\s*Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : '';
}

export function tokenEquals(given: string, apiToken: string): boolean {
  if (apiToken.length === 0) throw new Error('expected a non-empty apiToken, got an empty string');
  return timingSafeEqual(digest(given), digest(apiToken));
}
