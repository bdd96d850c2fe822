// Regression (a bug hunt found it; fixed): `npm run admin -- …` does nothing at all — no account created, no output, exit code 0 —
// when the checkout's path holds a space or any non-ASCII character (e.g. /srv/安心 服务/): the
// "am I the main module" check compares import.meta.url (percent-encoded) with a hand-built
// `file://${process.argv[1]}` (raw), so they differ and the CLI body never runs.
// Cause: src/cli/admin.ts:81. Correct: compare paths properly (fileURLToPath(import.meta.url) ===
// realpath(process.argv[1]), or pathToFileURL(argv[1]).href), so the command runs wherever installed.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';

const repo = resolve(import.meta.dirname, '../..');
let base: string | undefined;
afterEach(() => {
  if (base) rmSync(base, { recursive: true, force: true });
  base = undefined;
});

describe('npm run admin from a directory whose name has a space / Chinese characters', () => {
  it('creates the account and says so', () => {
    base = mkdtempSync(join(tmpdir(), 'anxin-cli-'));
    const root = join(base, '安心 服务');
    mkdirSync(root);
    cpSync(join(repo, 'src'), join(root, 'src'), { recursive: true });
    cpSync(join(repo, 'package.json'), join(root, 'package.json'));
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
    const db = join(base, 'anxin.db');
    const res = spawnSync(join(root, 'node_modules/.bin/tsx'), ['src/cli/admin.ts', 'create', '--username', 'boss', '--role', 'admin', '--password', 'a long password 1'], {
      cwd: root,
      env: { ...process.env, ANXIN_DB: db, ANXIN_CONFIG: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe('created admin "boss"'); // before the fix: '' (and exit code 0)
    const store = openStore(db);
    try {
      expect(store.users.get('boss')).toMatchObject({ role: 'admin' });
    } finally {
      store.close();
    }
  }, 90_000);
});
