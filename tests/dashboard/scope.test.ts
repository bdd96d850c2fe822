// The dashboard's routes with real sessions: a grid worker sees and acts on its grids only
// (404 elsewhere, as for a missing household), family links are an administrator's, an
// operator sees no household, and a cookie without the CSRF header cannot change anything.
import { afterEach, describe, expect, it } from 'vitest';
import { T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

async function session(username: string, password: string) {
  const res = await r.api('POST', '/api/session', { username, password });
  expect(res.status).toBe(200);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  return { cookie, csrf: res.body.csrfToken as string };
}

describe('grid scoping of the dashboard routes', () => {
  it('404 for another grid, 403 for non-admins on family links, 403 for operators, CSRF on writes', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    household(r, 'h3', 'g2', 'm3');
    r.feed('m3', T0, 100, { battery: 5 });
    r.feed('m1', T0, 100, { battery: 5 });
    const [mine, theirs] = ['m1', 'm3'].map((m) => r.app.store.alerts.listActive().find((a) => a.meterId === m)!.id);
    const s = r.app.store.users;
    await s.create({ username: 'wang', password: 'grid-worker-pass-1', role: 'grid-worker', gridIds: ['g1'] });
    await s.create({ username: 'ops', password: 'operator-pass-1', role: 'operator' });
    await s.create({ username: 'boss', password: 'admin-pass-12345', role: 'admin' });
    const w = await session('wang', 'grid-worker-pass-1');
    const asW = (m: string, url: string, body?: unknown, csrf = true) => r.api(m, url, body, { cookie: w.cookie, ...(csrf && { 'x-csrf-token': w.csrf }) });

    expect((await asW('GET', '/api/households/h1/status')).status).toBe(200);
    for (const url of ['/api/households/h3/status', '/api/households/h3/usage']) expect((await asW('GET', url)).status, url).toBe(404);
    expect((await asW('GET', '/api/households/status')).body.items.map((x: any) => x.household.id)).toEqual(['h1']);
    expect((await asW('GET', '/api/board')).body.items.map((a: any) => a.id)).toEqual([mine]);
    expect((await asW('POST', `/api/alerts/${theirs}/outcome`, { outcome: 'other' })).status).toBe(404);
    expect((await asW('POST', `/api/alerts/${mine}/outcome`, { outcome: 'meter-fault' }, false)).status).toBe(403); // no CSRF header
    const ok = await asW('POST', `/api/alerts/${mine}/outcome`, { outcome: 'meter-fault', by: 'someone else' });
    expect(ok.status).toBe(200);
    expect(ok.body.history.at(-1)).toMatchObject({ kind: 'outcome', by: 'wang' }); // the session, not the body, says who
    expect((await asW('POST', '/api/households/h1/family-links', {})).status).toBe(403);
    expect((await asW('GET', '/api/households/h1/family-links')).status).toBe(403);

    const o = await session('ops', 'operator-pass-1');
    // Every household view is refused with 403 `forbidden`, as README's role table says, not
    // answered with an empty board or a 404 that reads as "no such household".
    for (const url of ['/api/board', '/api/households/status', '/api/households/h1/status', '/api/households/h1/usage', '/api/events', `/api/alerts/${mine}/notifications`]) {
      const res = await r.api('GET', url, undefined, { cookie: o.cookie });
      expect([res.status, res.body.error], url).toEqual([403, 'forbidden']);
    }
    const outcome = await r.api('POST', `/api/alerts/${mine}/outcome`, { outcome: 'other' }, { cookie: o.cookie, 'x-csrf-token': o.csrf });
    expect([outcome.status, outcome.body.error]).toEqual([403, 'forbidden']);

    const b = await session('boss', 'admin-pass-12345');
    const link = await r.api('POST', '/api/households/h3/family-links', {}, { cookie: b.cookie, 'x-csrf-token': b.csrf });
    expect(link.status).toBe(201);
    expect((await r.api('DELETE', `/api/family-links/${link.body.link.id}`, undefined, { cookie: w.cookie, 'x-csrf-token': w.csrf })).status).toBe(403);
    // Every household read was written to the access log under the reader's name.
    const log = r.app.store.accessLog.list({ limit: 100, offset: 0 }) as any;
    const entries = (Array.isArray(log) ? log : log.items) as any[];
    expect(entries.some((e) => e.actor === 'wang' && JSON.stringify(e).includes('h1'))).toBe(true);
  });
});
