// A fresh SQLite file per test, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

export function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-notify-'));
  dirs.push(dir);
  return join(dir, 'anxin.db');
}
