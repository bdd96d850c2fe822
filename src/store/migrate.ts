// Applies pending migrations at open, all in one transaction: a database is either at the
// old version or the new one, never half-way. IMMEDIATE takes the write lock before reading
// what is applied, so two processes opening the same file cannot both run a migration.
import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './schema.ts';

/** Returns the ids applied by this call (empty when the database was already current). */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const known = Math.max(0, ...migrations.map((m) => m.id));
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS migrations (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )`);
    const applied = new Set((db.prepare('SELECT id FROM migrations').all() as { id: number }[]).map((r) => r.id));
    const newest = Math.max(0, ...applied);
    // A database written by a newer build may hold columns this build does not understand.
    if (newest > known) {
      throw new Error(`database is at migration ${newest}, expected at most ${known}: upgrade the service`);
    }
    const pending = migrations.filter((m) => !applied.has(m.id)).sort((a, b) => a.id - b.id);
    const record = db.prepare('INSERT INTO migrations (id, name) VALUES (?, ?)');
    for (const m of pending) {
      db.exec(m.sql);
      record.run(m.id, m.name);
    }
    return pending.map((m) => m.id);
  });
  return run.immediate();
}
