// `npm ci` on any machine needs a lockfile with every platform's optional packages. npm
// drops the ones not installed locally when it rebuilds the lockfile from an existing
// node_modules (npm/cli#4828: rollup's and esbuild's platform binaries went missing here
// once), and `npm ci` then fails on the other platforms. This keeps it from coming back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const packages = lock.packages as Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; version?: string }>;

/** Node's resolution inside the lockfile: the nearest node_modules/<name> up the tree. */
function resolve(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

describe('package-lock.json', () => {
  it('is lockfile v3 and in step with package.json', () => {
    expect(lock.lockfileVersion).toBe(3);
    const root = packages['']!;
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect((root as any).devDependencies).toEqual(pkg.devDependencies);
  });

  it('holds every optional (platform) dependency of every locked package', () => {
    const missing: string[] = [];
    for (const [key, p] of Object.entries(packages))
      for (const name of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) if (!resolve(key, name)) missing.push(`${key || '(root)'} → ${name}`);
    expect(missing).toEqual([]);
    // The ones that went missing before: every platform binary of rollup and esbuild.
    const rollup = Object.keys(packages['node_modules/rollup']!.optionalDependencies ?? {});
    expect(rollup.filter((n) => n.startsWith('@rollup/rollup-')).length).toBeGreaterThan(15);
  });
});
