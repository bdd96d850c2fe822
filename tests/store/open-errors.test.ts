// A missing, corrupt or read-only database at start is one clear message (issue 11.8).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreOpenError, openStore } from '../../src/store/index.ts';
import { tempDir } from './temp-store.ts';

const undo: (() => void)[] = [];
afterEach(() => {
  while (undo.length) undo.pop()!();
});

function openError(path: string): StoreOpenError {
  try {
    openStore(path).close();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreOpenError);
    return err as StoreOpenError;
  }
  throw new Error(`expected opening ${path} to fail`);
}

/** Read-only for this process: file modes for a normal user; root ignores them, so chattr +i. */
function makeReadOnly(path: string): void {
  if (process.getuid?.() !== 0) return chmodSync(path, 0o444);
  execFileSync('chattr', ['+i', path]);
  undo.push(() => execFileSync('chattr', ['-i', path]));
}

describe('opening the database', () => {
  it('creates a missing file (a first start)', () => {
    const store = openStore(join(tempDir(), 'new.db'));
    expect(store.migrated.length).toBeGreaterThan(0);
    store.close();
  });

  it('says so when the file is not a database', () => {
    const path = join(tempDir(), 'anxin.db');
    writeFileSync(path, Buffer.alloc(8192, 0x42));
    const err = openError(path);
    expect(err.message).toMatch(/^cannot use the database .*anxin\.db: the file is not an SQLite database or is corrupt .*Restore it from a backup, or move it away/);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('says so when the directory does not exist', () => {
    const err = openError(join(tempDir(), 'no', 'such', 'dir', 'anxin.db'));
    expect(err.message).toMatch(/it cannot be opened or created .*Check that the directory exists and is writable, or set ANXIN_DB/);
  });

  it('says so when the file is read-only', () => {
    const dir = tempDir();
    const path = join(dir, 'anxin.db');
    openStore(path).close(); // a good database…
    mkdirSync(join(dir, 'x'), { recursive: true });
    makeReadOnly(path); // …that this process may no longer write
    const err = openError(path);
    expect(err.message).toMatch(/anxin\.db: the file or its directory is read-only .*fix the permissions or the mount/);
  });
});
