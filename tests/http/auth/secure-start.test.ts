// Secure by default (issue 11.4): refused off loopback without auth; the first start on this
// machine creates an administrator and prints the password once; npm start really does this.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { parseConfig } from '../../../src/config.ts';
import { isLoopbackHost } from '../../../src/http/auth/secure-start.ts';

const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'anxin-secure-'));
  dirs.push(d);
  return d;
};
const config = (dir: string, host: string, extra: object = {}) =>
  parseConfig({ dbPath: join(dir, 'a.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host, ...extra }, log: { level: 'silent' } });

/** Runs `npm start`'s entry point as a child process; resolves on exit or when `until` matches stdout. */
function runMain(env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Only the ANXIN_* given here: none inherited from the shell running the tests.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANXIN_')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`main.ts did not finish: ${stdout} ${stderr}`))), 60_000);
    child.stdout.on('data', (b) => {
      stdout += b;
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

describe('secure by default', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.8.9.10']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'anxin.example']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('listens on 127.0.0.1 unless told otherwise', () => {
    expect(parseConfig({}).http.host).toBe('127.0.0.1');
  });

  it('refuses to start on 0.0.0.0 without a token or a user, before any port opens', async () => {
    const app = createApp(config(tmp(), '0.0.0.0'));
    stops.push(() => app.stop());
    await expect(app.start()).rejects.toThrow(/Anxin will not start: HTTP would listen on 0\.0\.0\.0.*npm run admin -- create --username admin --role admin.*ANXIN_API_TOKEN.*ANXIN_HTTP_HOST=127\.0\.0\.1/s);
    expect(app.broker()).toBeUndefined();
  });

  it('starts on 0.0.0.0 once authentication is configured (a token, or a user)', async () => {
    const withToken = createApp(config(tmp(), '0.0.0.0', { apiToken: 'machine-token-0123456789' }));
    stops.push(() => withToken.stop());
    await expect(withToken.start()).resolves.toMatchObject({ httpPort: expect.any(Number) });
    const dir = tmp();
    const withUser = createApp(config(dir, '0.0.0.0'));
    stops.push(() => withUser.stop());
    await withUser.store.users.create({ username: 'boss', password: 'a long password', role: 'admin' });
    await expect(withUser.start()).resolves.toMatchObject({ httpPort: expect.any(Number) });
    expect((await withUser.http.inject({ url: '/api/households', remoteAddress: '192.168.1.20' })).statusCode).toBe(401);
  });

  it('npm start on 0.0.0.0 without auth exits 2 with the one-paragraph explanation', async () => {
    const dir = tmp();
    const r = await runMain({ ANXIN_DB: join(dir, 'a.db'), ANXIN_HTTP_HOST: '0.0.0.0', ANXIN_HTTP_PORT: '0', ANXIN_MQTT_PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Anxin will not start: HTTP would listen on 0\.0\.0\.0/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 90_000);

  it('npm start on loopback creates the first administrator, prints the password once, and it signs in', async () => {
    const dir = tmp();
    const env = { ANXIN_DB: join(dir, 'a.db'), ANXIN_HTTP_PORT: '0', ANXIN_MQTT_PORT: '0', ANXIN_LOG_LEVEL: 'silent' };
    const first = await runMain(env, /First start: created the administrator "admin" with the password \S+/);
    const password = /with the password (\S+)/.exec(first.stdout)![1]!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const second = await runMain(env, /Anxin 安心 is running/);
    expect(second.stdout).not.toContain('First start');
    expect(second.stdout).not.toContain(password);

    const app = createApp(parseConfig({ dbPath: env.ANXIN_DB, mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0 }, log: { level: 'silent' } }));
    stops.push(() => app.stop());
    const login = await app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password } });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({ username: 'admin', role: 'admin', gridIds: 'all' });
    // With a user in the database, loopback is no longer open either.
    expect((await app.http.inject({ url: '/api/households' })).statusCode).toBe(401);
  }, 90_000);

  it('npm start on a port already in use exits 2 with one line, and the first start after it still shows the password', async () => {
    const dir = tmp();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = String((busy.address() as AddressInfo).port);
    const env = { ANXIN_DB: join(dir, 'a.db'), ANXIN_HTTP_PORT: port, ANXIN_MQTT_PORT: '0', ANXIN_LOG_LEVEL: 'silent' };
    const failed = await runMain(env);
    await new Promise<void>((r) => busy.close(() => r()));
    expect(failed.code).toBe(2);
    expect(failed.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Anxin could not start: .*EADDRINUSE/)]);
    expect(failed.stdout).not.toContain('First start');
    // No administrator was made whose password nobody saw: the next start makes one and prints it.
    const next = await runMain({ ...env, ANXIN_HTTP_PORT: '0' }, /First start: created the administrator "admin" with the password \S+/);
    expect(next.stdout).toMatch(/with the password [A-Za-z0-9_-]{24}/);
  }, 90_000);
});
