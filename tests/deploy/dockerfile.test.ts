// The Dockerfile's promises, read instruction by instruction (Debian has no hadolint
// package, so .ci/run cannot lint it; these are the rules that matter here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
/** Instructions with continuation lines joined, comments dropped. */
const instructions = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(' ') };
  });
const stages: { from: string; body: typeof instructions }[] = [];
for (const i of instructions) {
  if (i.op === 'FROM') stages.push({ from: i.args, body: [] });
  else stages.at(-1)!.body.push(i);
}

describe('Dockerfile', () => {
  it('is multi-stage: a build stage with a compiler for better-sqlite3, running npm ci', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0]!;
    expect(build.from).toMatch(/^node:20[\w.-]* AS build$/);
    const runs = build.body.filter((i) => i.op === 'RUN').map((i) => i.args).join(' && ');
    for (const pkg of ['python3', 'make', 'g++']) expect(runs).toContain(pkg);
    expect(runs).toContain('--no-install-recommends');
    expect(runs).toContain('rm -rf /var/lib/apt/lists/*');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).not.toMatch(/npm install\b/);
    expect(build.body.some((i) => i.op === 'COPY' && i.args.includes('package-lock.json'))).toBe(true);
  });

  it('runs as a non-root user with a data volume and a health check on /health (src/cli/healthcheck.ts)', () => {
    const final = stages.at(-1)!;
    expect(final.body.some((i) => i.op === 'COPY' && i.args.startsWith('--from=build'))).toBe(true);
    const users = final.body.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(final.body.find((i) => i.op === 'VOLUME')?.args).toContain('/data');
    expect(final.body.find((i) => i.op === 'ENV')?.args).toContain('ANXIN_DB=/data/anxin.db');
    const hc = final.body.find((i) => i.op === 'HEALTHCHECK')!;
    expect(hc.args).toMatch(/CMD \["node", "--import", "tsx", "src\/cli\/healthcheck\.ts"\]$/); // GET /health, http or https as configured
    const cmd = final.body.find((i) => i.op === 'CMD')!;
    expect(() => JSON.parse(cmd.args)).not.toThrow(); // exec form: signals reach node
    expect(JSON.parse(cmd.args)).toEqual(['node', '--import', 'tsx', 'src/main.ts']);
  });

  it('ADDs nothing from the network and pins its base image major version', () => {
    expect(instructions.some((i) => i.op === 'ADD')).toBe(false);
    for (const s of stages) expect(s.from).not.toMatch(/:latest\b|^[^:]+( |$)/);
  });

  it('.dockerignore keeps secrets, databases and node_modules out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const p of ['.env', 'node_modules', '.git', 'data', '*.db']) expect(ignored).toContain(p);
  });
});
