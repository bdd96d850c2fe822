// Grafana provisioning and dashboards: well-formed, every panel queries a declared
// datasource, every variable resolves, and every Flux query names only measurements, fields
// and tags the writer writes (checked by tests/timeseries/flux-check.ts, a checker for the
// from/range/filter/… shapes used here, not a full Flux parser).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEASUREMENTS } from '../../src/timeseries/schema.ts';
import { checkFlux } from './flux-check.ts';

const ROOT = join(import.meta.dirname, '../..');
const DASH = join(ROOT, 'dashboards');
/** PyYAML (a dependency of Debian's docker-compose) as the YAML parser. */
const yaml = (path: string): any => JSON.parse(execFileSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path], { encoding: 'utf8' }));

const datasources = yaml(join(DASH, 'provisioning/datasources/influxdb.yaml')).datasources as any[];
const dashboards = readdirSync(join(DASH, 'json'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(DASH, 'json', f), 'utf8')) }));

describe('Grafana provisioning', () => {
  it('declares InfluxDB 2 with Flux, its org, bucket and token from the environment', () => {
    expect(datasources).toHaveLength(1);
    const ds = datasources[0];
    expect(ds).toMatchObject({ type: 'influxdb', uid: 'anxin-influxdb', access: 'proxy', jsonData: { version: 'Flux' } });
    expect(ds.jsonData.organization).toBe('${INFLUX_ORG}');
    expect(ds.jsonData.defaultBucket).toBe('${INFLUX_BUCKET}');
    expect(ds.secureJsonData.token).toBe('${INFLUX_TOKEN}');
  });

  it('has a file provider for the dashboards directory that docker-compose mounts', () => {
    const p = yaml(join(DASH, 'provisioning/dashboards/anxin.yaml')).providers;
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('./dashboards/json:/var/lib/grafana/dashboards:ro');
    expect(compose).toContain('./dashboards/provisioning:/etc/grafana/provisioning:ro');
  });
});

describe.each(dashboards)('dashboard $file', ({ json }) => {
  const uids = new Set(datasources.map((d) => d.uid));
  const vars = (json.templating?.list ?? []) as any[];
  const declared = new Set(vars.map((v) => v.name as string));

  it('is well-formed: uid, title, unique panel ids, grid positions', () => {
    expect(json.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(json.title).toBeTruthy();
    const ids = json.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of json.panels) {
      expect(p.title, `panel ${p.id}`).toBeTruthy();
      expect(p.gridPos.w).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
  });

  it('every panel has a Flux query against a declared datasource that names only what the writer writes', () => {
    for (const p of json.panels) {
      expect(p.targets?.length, `panel "${p.title}" has no query`).toBeGreaterThan(0);
      expect(uids.has(p.datasource.uid), `panel "${p.title}" datasource`).toBe(true);
      for (const t of p.targets) {
        expect(uids.has((t.datasource ?? p.datasource).uid)).toBe(true);
        const r = checkFlux(t.query, declared);
        expect(r.errors, `panel "${p.title}" ${t.refId}:\n${t.query}`).toEqual([]);
      }
    }
  });

  it('every variable resolves: a checked query on a declared datasource over a written tag', () => {
    for (const v of vars) {
      expect(v.type).toBe('query');
      expect(uids.has(v.datasource.uid)).toBe(true);
      const r = checkFlux(v.query, declared);
      expect(r.errors, v.query).toEqual([]);
      const col = /distinct\(column:\s*"(\w+)"\)/.exec(v.query)?.[1];
      expect(r.measurements.every((m) => (Object.values(MEASUREMENTS).find((x) => x.name === m)!.tags as readonly string[]).includes(col!))).toBe(true);
    }
    const used = JSON.stringify(json.panels).match(/\$\{(\w+)\}/g) ?? [];
    for (const u of used) expect(declared.has(u.slice(2, -1)), u).toBe(true);
  });
});

describe('the Flux checker', () => {
  it('catches a wrong measurement, field, tag, tag value and an undeclared variable', () => {
    const q = (filter: string) => `from(bucket: v.defaultBucket)\n  |> range(start: v.timeRangeStart, stop: v.timeRangeStop)\n  |> filter(fn: (r) => ${filter})\n  |> group(columns: ["grid"])`;
    expect(checkFlux(q('r._measurement == "reading" and r._field == "total_liters"')).errors).toEqual([]);
    expect(checkFlux(q('r._measurement == "readings"')).errors.join()).toMatch(/"readings" is not written/);
    expect(checkFlux(q('r._measurement == "reading" and r._field == "liters"')).errors.join()).toMatch(/field "liters"/);
    expect(checkFlux(q('r._measurement == "usage" and r.meter == "m-1"')).errors.join()).toMatch(/r.meter is not a tag/);
    expect(checkFlux(q('r._measurement == "alert_event" and r.kind == "open"')).errors.join()).toMatch(/kind == "open" is never written/);
    expect(checkFlux(q('r._measurement == "usage" and r.household == "${hh}"')).errors.join()).toMatch(/\$\{hh\} is not a declared/);
    expect(checkFlux('from(bucket: v.defaultBucket) |> filter(fn: (r) => r._measurement == "usage")').errors.join()).toMatch(/expected range/);
    expect(checkFlux(q('r._measurement == "usage"') + ' |> group(columns: ["meter"]').errors.join()).toMatch(/unbalanced/);
  });
});

describe('the docs name what the writer writes', () => {
  it('README lists every measurement, tag and field of schema.ts', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Deployment'));
    for (const m of Object.values(MEASUREMENTS)) {
      expect(section).toContain(`\`${m.name}\``);
      for (const t of m.tags) expect(section).toContain(t);
      for (const f of Object.keys(m.fields)) expect(section).toContain(f);
    }
  });
});
