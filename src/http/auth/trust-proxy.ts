// http.trustProxy: behind a reverse proxy (nginx, a load balancer) every request's socket
// address is the proxy's, so the access log, the sign-in limiter and the sessions would see
// one client. X-Forwarded-For names the real one, but any client can write that header: it is
// believed only when the socket address is a trusted proxy. The value is fastify's own
// `trustProxy` (https://fastify.dev/docs/latest/Reference/Server/#trustproxy, proxy-addr):
//   false (default)  ignore X-Forwarded-For; request.ip is the socket address
//   true             trust every hop (only when nothing can reach the port but the proxy)
//   ["10.0.0.5", "10.1.0.0/16", "loopback"]  trust these addresses / CIDRs / proxy-addr names
//   2                trust this many hops from the socket, whoever they are (like true, only
//                    when nothing but the proxies can reach the port). fastify 5.12 ignores a
//                    number ("fails closed"), so it is passed as proxy-addr's (addr, i) => i < n.
import { isIP } from 'node:net';
import { z } from 'zod';

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR (address/prefix length) or one of proxy-addr's names. */
function isTrustEntry(s: string): boolean {
  if (NAMES.has(s)) return true;
  const [addr, prefix, extra] = s.split('/');
  if (extra !== undefined || !addr) return false;
  const v = isIP(addr);
  if (!v) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (v === 4 ? 32 : 128);
}

export const TrustProxySchema = z
  .union([
    z.boolean(),
    z.number().int().min(1).max(32),
    z
      .array(z.string().refine(isTrustEntry, { message: 'expected an IP address, a CIDR such as 10.0.0.0/8, or loopback | linklocal | uniquelocal' }))
      .min(1),
  ])
  .default(false);
export type TrustProxy = z.output<typeof TrustProxySchema>;

/** The value for fastify's `trustProxy` option. */
export function fastifyTrustProxy(t: Exclude<TrustProxy, false>): true | string[] | ((addr: string, hop: number) => boolean) {
  return typeof t === 'number' ? (_addr, hop) => hop < t : t;
}
