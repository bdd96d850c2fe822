// A list answer is logged as a read of every household it returned. An administrator's board
// (GET /api/households/status, unpaginated: every visible household) in a district of 600 homes
// reads all 600 names and addresses, and the access log asked "who read household #600?" must
// name that read. The store once kept `subjects.slice(0, 500)` ("more would only bloat the row");
// the subjects are now a shared, indexed subject set (src/store/access-log.ts, migration 14;
// their costs at 5,000 households: bench/access-log.ts; the store's side: tests/store/access-log-subjects.test.ts).
// README Access log (PIPL Art. 51, 55): "every `/api` request by a principal — each read of a
// household's data ... `?householdId=` also finds list reads that returned it."
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from '../dashboard/helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

describe('access log: a long list read names every household it returned', () => {
  it('the 501st household of a board read is found by ?householdId=', async () => {
    r = await rig();
    const s = r.app.store;
    for (let i = 1; i <= 501; i++) {
      const id = `h${String(i).padStart(3, '0')}`;
      s.households.create({ id, name: `住户 ${id}`, address: `福田区 ${id} 号`, gridId: 'g1' }, r.clock.now + i);
      s.households.giveConsent(id, { consentedBy: '本人', consentedAt: r.clock.now, scope: ['water-monitoring'] });
    }
    await s.users.create({ username: 'boss', password: 'admin-pass-12345', role: 'admin' });
    const login = await r.api('POST', '/api/session', { username: 'boss', password: 'admin-pass-12345' });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;

    const board = await r.api('GET', '/api/households/status', undefined, { cookie });
    expect(board.status).toBe(200);
    const ids = board.body.items.map((x: any) => x.household.id) as string[];
    expect(ids).toContain('h501'); // the board did show it: name and address read

    const log = await r.api('GET', '/api/access-log?householdId=h501', undefined, { cookie });
    expect(log.status).toBe(200);
    const reads = log.body.items.filter((e: any) => e.actor === 'boss' && e.route === '/api/households/status');
    expect(reads, 'the read of h501 on the board is in the access log').toHaveLength(1);
    // The list names the first 100 and says how many there were; the entry gives every one.
    expect(reads[0]).toMatchObject({ subjectCount: 501, subjectsCut: true });
    expect(reads[0].subjects).toEqual(ids.slice(0, 100));
    const whole = await r.api('GET', `/api/access-log/${reads[0].id}`, undefined, { cookie });
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ id: reads[0].id, actor: 'boss', subjectCount: 501 });
    expect(whole.body.subjects).toEqual(ids);
  });

  it('a page of many big list reads stays small: every entry with at most 100 ids', async () => {
    // 40 board reads of 501 homes: once 40 × 501 ids in one answer (at 500 reads of 5,000 homes,
    // tens of MB); now 40 × 100.
    r = await rig();
    const s = r.app.store;
    const all = Array.from({ length: 501 }, (_, i) => `h${i}`);
    for (let i = 0; i < 40; i++) s.accessLog.append({ at: r.clock.now + i, actor: 'boss', actorKind: 'session', role: 'admin', action: 'read', method: 'GET', route: '/api/households/status', subjects: all, status: 200 });
    await s.users.create({ username: 'boss', password: 'admin-pass-12345', role: 'admin' });
    const login = await r.api('POST', '/api/session', { username: 'boss', password: 'admin-pass-12345' });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const page = await r.api('GET', '/api/access-log?limit=500', undefined, { cookie });
    expect(page.status).toBe(200);
    const reads = page.body.items.filter((e: any) => e.route === '/api/households/status');
    expect(reads).toHaveLength(40);
    for (const e of reads) expect([e.subjects.length, e.subjectCount, e.subjectsCut]).toEqual([100, 501, true]);
    expect((await r.api('GET', '/api/access-log/abc', undefined, { cookie })).status).toBe(400);
    expect((await r.api('GET', '/api/access-log/999999', undefined, { cookie })).status).toBe(404);
  });
});
