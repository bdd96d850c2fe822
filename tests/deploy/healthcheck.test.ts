// The container health check (src/cli/healthcheck.ts, run by the Dockerfile and compose): it
// must follow the service's own configuration. With http.tls on, the former command fetched
// http://…/health, failed on every probe, and Docker took a healthy service for dead.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

const dirs: string[] = [];
const apps: App[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.stop();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** The health check as the container runs it, with only these ANXIN_* variables. */
function healthcheck(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANXIN_')));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/healthcheck.ts'], { env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

async function serve(dir: string, http: object): Promise<number> {
  const app = createApp(parseConfig({ dbPath: join(dir, 'a.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1', ...http }, log: { level: 'silent' } }), { jobs: false });
  apps.push(app);
  return (await app.start()).httpPort;
}

describe('container health check', () => {
  it('passes over HTTPS when the configuration turns TLS on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anxin-hc-'));
    dirs.push(dir);
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=anxin.example'], { stdio: 'ignore' });
    const tls = { certFile: cert, keyFile: key };
    const port = await serve(dir, { tls });
    const configFile = join(dir, 'anxin.json');
    writeFileSync(configFile, JSON.stringify({ http: { tls } }));
    expect(await healthcheck({ ANXIN_CONFIG: configFile, ANXIN_HTTP_PORT: String(port) })).toEqual({ code: 0, stderr: '' });
    // Without the TLS setting it speaks plain HTTP to the TLS port: refused, with the reason.
    const plain = await healthcheck({ ANXIN_HTTP_PORT: String(port) });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^\/health: /);
  }, 60_000);

  it('passes over plain HTTP, and fails with one line when nothing answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anxin-hc-'));
    dirs.push(dir);
    const port = await serve(dir, {});
    expect(await healthcheck({ ANXIN_HTTP_PORT: String(port) })).toEqual({ code: 0, stderr: '' });
    await apps.pop()!.stop();
    const down = await healthcheck({ ANXIN_HTTP_PORT: String(port) });
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).toMatch(/^\/health: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  }, 60_000);
});
