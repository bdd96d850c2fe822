// Regression test (found by a review, 2026-12-07). The bug, as it was:
// README (Access log): "A failed sign-in under a name that is no account is logged as
// (unknown username), so a password typed into the wrong field is never written down."
// The sign-in limiter's failures (login_failures, in the same SQLite file) key each failure by
// 'u:<username as typed>', so that password is written to disk in clear all the same.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from '../../dashboard/helpers.ts';
import { addUser } from './helpers.ts';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

describe('a password typed into the username field', () => {
  it('is not stored anywhere in the database', async () => {
    r = await rig();
    await addUser(r.app.store, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
    const res = await r.app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'Secret-Pa55word', password: 'w1' } });
    expect(res.statusCode).toBe(401);
    const file = (r.app.store as unknown as { db?: { name: string } }).db?.name ?? r.app.config.dbPath;
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare("SELECT key FROM login_failures").all() as { key: string }[];
      expect(JSON.stringify(rows).toLowerCase()).not.toContain('secret-pa55word');
    } finally {
      db.close();
    }
  });
});
