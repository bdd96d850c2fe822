// HTTPS for the web (issue 11.4) with a certificate generated at test time by openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { parseConfig } from '../../../src/config.ts';

let dir: string;
let app: App;
let port: number;
let ca: Buffer;

function httpsCall(method: string, path: string, body?: object): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const req = request(
      { host: '127.0.0.1', port, path, method, ca, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anxin-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  ca = readFileSync(cert);
  app = createApp(parseConfig({ dbPath: join(dir, 'a.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, tls: { certFile: cert, keyFile: key } }, log: { level: 'silent' } }), { jobs: false });
  await app.store.users.create({ username: 'boss', password: 'a long password', role: 'admin' });
  port = (await app.start()).httpPort;
});
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTPS (http.tls)', () => {
  it('serves over TLS with the configured certificate, and the session cookie is Secure', async () => {
    expect((await httpsCall('GET', '/health')).status).toBe(200);
    const login = await httpsCall('POST', '/api/session', { username: 'boss', password: 'a long password' });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect((await httpsCall('GET', '/api/households')).status).toBe(401);
  });

  it('does not speak plain HTTP on the HTTPS port', async () => {
    const answer = await new Promise<string>((resolve) => {
      const req = plainRequest({ host: '127.0.0.1', port, path: '/health' }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code}`));
      req.end();
    });
    expect(answer).not.toBe('status 200');
  });

  it('names the file when a certificate path is wrong', () => {
    expect(() => createApp(parseConfig({ dbPath: ':memory:', http: { tls: { certFile: join(dir, 'missing.pem'), keyFile: join(dir, 'key.pem') } } }))).toThrow(
      /http\.tls\.certFile: cannot read ".*missing\.pem" \(ENOENT\); expected a PEM file/,
    );
  });
});
