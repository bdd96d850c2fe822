import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/schema.ts';
import { T0, tempDir } from './temp-store.ts';

describe('openStore migrations', () => {
  it('applies every migration once and nothing on reopen, keeping the data', () => {
    const path = join(tempDir(), 'a.db');
    const first = openStore(path);
    expect(first.migrated).toEqual(MIGRATIONS.map((m) => m.id));
    first.households.create({ id: 'hh-1', name: 'A' }, T0);
    first.close();

    const second = openStore(path);
    expect(second.migrated).toEqual([]);
    expect(second.households.get('hh-1')?.name).toBe('A');
    second.close();

    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT id FROM migrations ORDER BY id').all() as { id: number }[];
    raw.close();
    expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
  });

  it('leaves the file in WAL mode', () => {
    const path = join(tempDir(), 'b.db');
    openStore(path).close();
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('refuses a database written by a newer build', () => {
    const path = join(tempDir(), 'c.db');
    openStore(path).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO migrations (id, name) VALUES (999, ?)').run('from the future');
    raw.close();
    expect(() => openStore(path)).toThrow(/migration 999, expected at most/);
  });

  it('works in memory', () => {
    const store = openStore(':memory:');
    expect(store.ping()).toBe(true);
    store.close();
  });
});
