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
    expect(reads[0].subjects).toHaveLength(501);
  });
});
