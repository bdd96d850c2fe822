// http.trustProxy (issue 11): X-Forwarded-For decides the client address (access log, sign-in
// limiter, sessions) only when the socket is a trusted proxy; otherwise a forged header is ignored.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { TrustProxySchema, type TrustProxy } from '../../src/http/auth/trust-proxy.ts';
import { harness } from './harness.ts';
import { addUser } from './auth/helpers.ts';

const PROXY = '10.0.0.5';

async function rig(trustProxy?: TrustProxy) {
  const h = harness(trustProxy === undefined ? {} : { trustProxy });
  await addUser(h.store, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
  const signIn = (password: string, socket: string, xff?: string) =>
    h.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'w1', password }, remoteAddress: socket, ...(xff && { headers: { 'x-forwarded-for': xff } }) });
  const lastIp = () => h.store.accessLog.list({ limit: 1, offset: 0 }).items[0]?.ip;
  return { ...h, signIn, lastIp };
}

describe('http.trustProxy', () => {
  it('by default ignores a forged X-Forwarded-For: one address is logged and limited across usernames whatever the header says', async () => {
    const { app, lastIp } = await rig();
    const fail = (u: string, xff: string) => app.inject({ method: 'POST', url: '/api/session', payload: { username: u, password: 'wrong' }, remoteAddress: '203.0.113.8', headers: { 'x-forwarded-for': xff } });
    for (let i = 1; i <= 20; i++) expect((await fail(`user${i}`, `198.51.100.${i}`)).statusCode).toBe(401);
    expect((await fail('user21', '198.51.100.21')).statusCode).toBe(429);
    expect(lastIp()).toBe('203.0.113.8');
  });

  it('from a trusted proxy, honours X-Forwarded-For: the real client is logged and limited on its own', async () => {
    const { app, lastIp } = await rig([PROXY]);
    const fail = (u: string, client: string) => app.inject({ method: 'POST', url: '/api/session', payload: { username: u, password: 'wrong' }, remoteAddress: PROXY, headers: { 'x-forwarded-for': client } });
    for (let i = 1; i <= 20; i++) expect((await fail(`user${i}`, '198.51.100.1')).statusCode).toBe(401);
    expect(lastIp()).toBe('198.51.100.1');
    expect((await fail('user21', '198.51.100.1')).statusCode).toBe(429); // that client is limited …
    expect((await fail('user22', '198.51.100.2')).statusCode).toBe(401); // … not everyone behind the proxy
    expect(lastIp()).toBe('198.51.100.2');
  });

  it('from an untrusted socket, even with trustProxy set, the header is ignored', async () => {
    const { signIn, lastIp } = await rig([PROXY]);
    await signIn('wrong', '203.0.113.9', '198.51.100.1');
    expect(lastIp()).toBe('203.0.113.9');
  });

  it('a hop count and CIDRs work like fastify’s option; the leftmost forged entry is not believed past the trusted hops', async () => {
    const { signIn, lastIp } = await rig(['10.0.0.0/8']);
    // client → (forges "1.2.3.4") → proxy 10.0.0.5 appends the real client 198.51.100.3
    await signIn('wrong', PROXY, '1.2.3.4, 198.51.100.3');
    expect(lastIp()).toBe('198.51.100.3');
    const hops = await rig(1);
    await hops.signIn('wrong', PROXY, '1.2.3.4, 198.51.100.4');
    expect(hops.lastIp()).toBe('198.51.100.4');
  });

  it('does not open the no-auth loopback mode to a forwarded "127.0.0.1"', async () => {
    // No token and no user: the local-demo mode, open to a direct loopback client only.
    const bare = harness({ trustProxy: true });
    const viaProxy = await bare.app.inject({ url: '/api/households', remoteAddress: PROXY, headers: { 'x-forwarded-for': '127.0.0.1', host: 'localhost:8080' } });
    expect(viaProxy.statusCode).toBe(401);
    const local = await bare.app.inject({ url: '/api/households', remoteAddress: '127.0.0.1', headers: { host: 'localhost:8080' } });
    expect(local.statusCode).toBe(200);
  });

  it('config: default false; accepts true, a hop count, a list of addresses / CIDRs / names; refuses nonsense with a reason', () => {
    expect(parseConfig({}).http.trustProxy).toBe(false);
    expect(parseConfig({ http: { trustProxy: ['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback'] } }).http.trustProxy).toHaveLength(5);
    expect(TrustProxySchema.parse(2)).toBe(2);
    expect(TrustProxySchema.parse(true)).toBe(true);
    for (const bad of [['10.0.0.0/33'], ['example.com'], [], 0, 'yes'])
      expect(() => parseConfig({ http: { trustProxy: bad } }), JSON.stringify(bad)).toThrow();
    expect(TrustProxySchema.safeParse(['nginx']).error?.issues[0]?.message).toMatch(/expected an IP address, a CIDR/);
  });
});
