// What the request log may say about a URL. Some paths carry a credential (a family link's
// token, an acknowledgement link's token, the SMS reply callback's secret), and query strings can
// carry personal data (a board search for a name). The log keeps the method and the path with
// those parts replaced, so a log file never grants access or names a resident.
import type { FastifyRequest } from 'fastify';

const SECRET_SEGMENTS: RegExp[] = [
  /^(\/family\/)[^/?]+/, // family page and its status: the token is the only credential
  /^(\/a\/)[^/?]+/, // acknowledgement links
  /^(\/callbacks\/sms\/[^/?]+\/)[^/?]+/, // provider callbacks: the path secret
];

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  for (const re of SECRET_SEGMENTS) path = path.replace(re, '$1<token>');
  return q < 0 ? path : `${path}?<query>`;
}

/** pino's `req` serializer for fastify's request lines (fastify's own fields, the URL redacted). */
export function redactedRequest(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}
