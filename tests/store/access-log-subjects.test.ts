// The access log's subjects (src/store/access-log.ts, migration 14): a list read names every
// household it returned, found by `?householdId=` through an index; identical lists share one
// subject set (a board re-read every 30 s is one small row per read); retention removes the sets
// no entry names any more; entries written before migration 14 (a JSON column, cut at 500) are
// still found and shown; the tables stay append-only.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/schema.ts';
import { tempDir, tempStore } from './temp-store.ts';

const read = (at: number, subjects: string[], actor = 'admin') =>
  ({ at, actor, actorKind: 'session', role: 'admin', action: 'read', method: 'GET', route: '/api/households/status', subjects, status: 200 }) as const;
const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `h${from + i}`);
const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('access log subjects', () => {
  it('names every household of a 2,000-household list, each findable, one set shared by identical reads', () => {
    const { store } = tempStore();
    const all = ids(2000);
    for (let i = 0; i < 5; i++) store.accessLog.append(read(1000 + i, all));
    store.accessLog.append(read(2000, ['h1999', 'h7', 'h7'], 'wangfang'));
    for (const h of ['h1', 'h501', 'h2000']) expect(store.accessLog.list({ householdId: h, limit: 50, offset: 0 }).total).toBe(5);
    const h7 = store.accessLog.list({ householdId: 'h7', limit: 50, offset: 0 });
    expect(h7.total).toBe(6);
    expect(h7.items[0]).toMatchObject({ actor: 'wangfang', subjects: ['h1999', 'h7'] }); // duplicates dropped, order kept
    expect(h7.items[1]!.subjects).toEqual(all);
    expect(store.accessLog.list({ householdId: 'h2001', limit: 50, offset: 0 }).total).toBe(0);
    expect(count(store.db, 'access_subject_sets')).toBe(2);
    expect(count(store.db, 'access_subject_members')).toBe(2002);
  });

  it('retention removes the old entries and the sets only they named', () => {
    const { store } = tempStore();
    store.accessLog.append(read(1, ids(3)));
    store.accessLog.append(read(2, ids(2, 10)));
    store.accessLog.append(read(3, ids(3))); // the first set, named again later
    store.accessLog.append(read(4, ids(2, 10)));
    store.accessLog.append(read(5, ids(4, 20)));
    expect(store.accessLog.prune(4)).toBe(3);
    expect(store.accessLog.list({ householdId: 'h1', limit: 50, offset: 0 }).total).toBe(0);
    expect(store.accessLog.list({ householdId: 'h10', limit: 50, offset: 0 }).items.map((e) => e.at)).toEqual([4]);
    expect(count(store.db, 'access_subject_sets')).toBe(2);
    expect(count(store.db, 'access_subject_members')).toBe(6);
    expect(() => store.db.prepare("UPDATE access_subject_members SET household_id = 'hx'").run()).toThrow(/append-only/);
    expect(() => store.db.prepare("UPDATE access_subject_sets SET size = 0").run()).toThrow(/append-only/);
    expect(() => store.db.prepare('UPDATE access_log SET subject_set = NULL').run()).toThrow(/append-only/);
  });

  it('entries written before migration 14 are found by every household of their JSON and shown as written', () => {
    const path = join(tempDir(), 'old.db');
    const raw = new Database(path);
    migrate(raw, MIGRATIONS.filter((m) => m.id < 14));
    const insert = raw.prepare(
      "INSERT INTO access_log (at, actor, actor_kind, role, action, method, route, household_id, subjects, status) VALUES (?, 'admin', 'session', 'admin', 'read', 'GET', ?, ?, ?, 200)",
    );
    insert.run(1, '/api/households', null, JSON.stringify(['h1', 'h2', 'h3']));
    insert.run(2, '/api/households/h9', 'h9', null);
    insert.run(3, '/api/alerts', null, JSON.stringify(['h2']));
    raw.close();

    const store = openStore(path);
    expect(store.migrated).toContain(14);
    expect(store.accessLog.list({ householdId: 'h2', limit: 50, offset: 0 }).items.map((e) => [e.at, e.subjects])).toEqual([
      [3, ['h2']],
      [1, ['h1', 'h2', 'h3']],
    ]);
    expect(store.accessLog.list({ householdId: 'h9', limit: 50, offset: 0 }).items.map((e) => e.at)).toEqual([2]);
    store.accessLog.append(read(4, ['h2', 'h3']));
    expect(store.accessLog.list({ householdId: 'h3', limit: 50, offset: 0 }).items.map((e) => e.at)).toEqual([4, 1]);
    expect(store.accessLog.prune(2)).toBe(1);
    expect(store.accessLog.list({ householdId: 'h1', limit: 50, offset: 0 }).total).toBe(0);
    store.close();
  });
});
