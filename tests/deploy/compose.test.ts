// docker-compose.yml validated by Debian's docker-compose (`config -q`, no engine needed)
// and read back through its resolved form; .env.example documents every variable it uses.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = '/usr/bin/docker-compose';
function available(): boolean {
  if (existsSync(BIN)) return true;
  if (process.env.CI) throw new Error(`${BIN} is missing: CI must install the Debian package docker-compose (see .ci/run)`);
  console.warn(`\n!!! SKIPPING compose validation: ${BIN} not found (apt-get install docker-compose) !!!\n`);
  return false;
}
const run = available();
const tmp = mkdtempSync(join(tmpdir(), 'anxin-compose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const compose = (envFile: string, ...args: string[]) =>
  spawnSync(BIN, ['--project-directory', ROOT, '-f', join(ROOT, 'docker-compose.yml'), '--env-file', envFile, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, // only the env file supplies variables
  });
const yaml = (text: string): any => JSON.parse(execFileSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: text, encoding: 'utf8' }));

describe.skipIf(!run)('docker-compose.yml', () => {
  const example = join(ROOT, '.env.example');

  it('is valid with the documented .env', () => {
    const r = compose(example, 'config', '-q');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs Anxin, InfluxDB 2 and Grafana with health checks, volumes and secrets from .env', () => {
    const r = compose(example, 'config');
    expect(r.status).toBe(0);
    const c = yaml(r.stdout);
    expect(Object.keys(c.services).sort()).toEqual(['anxin', 'grafana', 'influxdb']);
    for (const s of Object.values<any>(c.services)) expect(s.healthcheck?.test?.length).toBeGreaterThan(0);
    const env = (name: string) => c.services[name].environment;
    expect(env('anxin')).toMatchObject({ ANXIN_API_TOKEN: 'change-me-to-a-long-random-token', ANXIN_INFLUX_URL: 'http://influxdb:8086', ANXIN_INFLUX_TOKEN: 'change-me-influx-admin-token', ANXIN_DB: '/data/anxin.db' });
    expect(c.services.anxin.healthcheck.test).toEqual(['CMD', 'node', '--import', 'tsx', 'src/cli/healthcheck.ts']); // http or https as configured (tests/deploy/healthcheck.test.ts)
    expect(env('influxdb')).toMatchObject({
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_ORG: 'anxin',
      DOCKER_INFLUXDB_INIT_BUCKET: 'anxin',
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: 'change-me-influx-admin-token',
    });
    expect(c.services.influxdb.image).toMatch(/^influxdb:2/);
    expect(env('grafana')).toMatchObject({ INFLUX_TOKEN: 'change-me-influx-admin-token', INFLUX_ORG: 'anxin', INFLUX_BUCKET: 'anxin' });
    expect(Object.keys(c.volumes).sort()).toEqual(['anxin-data', 'grafana-data', 'influxdb-config', 'influxdb-data']);
    const anxinVolumes = c.services.anxin.volumes.map((v: any) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    expect(anxinVolumes.join()).toContain('anxin-data:/data');
    // The API is published on loopback unless the operator says otherwise; MQTT on all interfaces for meters.
    const ports = c.services.anxin.ports.map((p: any) => (typeof p === 'string' ? p : `${p.host_ip ?? ''}:${p.published}:${p.target}`));
    expect(ports.some((p: string) => /^127\.0\.0\.1:8080:8080/.test(p))).toBe(true);
    expect(ports.some((p: string) => /1883:1883/.test(p))).toBe(true);
  });

  it('refuses to start without an API token', () => {
    const env = readFileSync(example, 'utf8').replace(/^ANXIN_API_TOKEN=.*$/m, '');
    const file = join(tmp, 'no-token.env');
    writeFileSync(file, env);
    const r = compose(file, 'config', '-q');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set ANXIN_API_TOKEN in .env');
  });

  it('.env.example documents every variable the file uses', () => {
    const used = new Set([...readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8').matchAll(/\$\{(\w+)/g)].map((m) => m[1]!));
    const documented = new Set([...readFileSync(example, 'utf8').matchAll(/^(\w+)=/gm)].map((m) => m[1]!));
    expect([...used].filter((v) => !documented.has(v))).toEqual([]);
  });
});
