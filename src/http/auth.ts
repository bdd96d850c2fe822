// Operator bearer-token auth for /api/*. The token is compared in constant time and never
// logged; a failure says what was expected, not what was received.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

// Hashing both sides first gives equal-length buffers, so length leaks nothing either.
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function bearerAuth(apiToken: string): (req: FastifyRequest) => Promise<void> {
  if (apiToken.length === 0) throw new Error('expected a non-empty apiToken, got an empty string');
  const expected = digest(apiToken);
  return async (req) => {
    const header = req.headers.authorization;
    // RFC 6750 §2.1: "Bearer" followed by the token; the scheme name is case-insensitive.
    const match = typeof header === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      throw new ApiError('unauthorized', 'expected header "Authorization: Bearer <operator token>"');
    }
  };
}
