// Grid scoping and roles, enforced by the server for every existing /api route.
import { describe, expect, it } from 'vitest';
import { HOUR, T0, makeAlert } from '../../store/temp-store.ts';
import { harness } from '../harness.ts';
import { addUser, login, type Client } from './helpers.ts';

const apiToken = 'machine-token-0123456789';

async function world() {
  const h = harness({ apiToken });
  const { store } = h;
  for (const [hh, grid, meter] of [['hh-a', 'g1', 'm-a'], ['hh-b', 'g2', 'm-b'], ['hh-n', undefined, 'm-n']] as const) {
    store.households.create({ id: hh, name: `住户 ${hh}`, address: '幸福路 1 号', ...(grid && { gridId: grid }) }, T0);
    store.households.giveConsent(hh, { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring'] });
    store.meters.provision(meter, hh, T0);
    store.contacts.add(hh, { name: '女儿', role: 'family', phone: '13800138000' });
    store.alerts.insert(makeAlert({ id: `al-${hh}`, meterId: meter }));
  }
  await addUser(store, { username: 'boss', role: 'admin' });
  await addUser(store, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
  await addUser(store, { username: 'op', role: 'operator' });
  const [admin, worker, operator] = await Promise.all([login(h.app, 'boss'), login(h.app, 'w1'), login(h.app, 'op')]);
  const bearer = (opts: Parameters<Client['req']>[0]) => h.app.inject({ ...opts, headers: { authorization: `Bearer ${apiToken}` } });
  return { ...h, admin, worker, operator, bearer };
}

const ids = (res: { json(): any }) => (res.json().items as { id: string }[]).map((x) => x.id);

describe('grid worker: only the households of its grids', () => {
  it('lists, reads and acts on its grid; another grid answers 404 as if it did not exist', async () => {
    const { worker, store } = await world();
    expect(ids(await worker.req({ url: '/api/households' }))).toEqual(['hh-a']);
    expect((await worker.req({ url: '/api/households?gridId=g2' })).json()).toMatchObject({ total: 0, items: [] });
    expect((await worker.req({ url: '/api/households/hh-a' })).statusCode).toBe(200);
    for (const url of ['/api/households/hh-b', '/api/households/hh-n', '/api/households/hh-b/contacts', '/api/households/nope']) {
      const res = await worker.req({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error).toBe('household-not-found');
    }
    const contacts = await worker.req({ url: '/api/households/hh-a/contacts' });
    expect(contacts.json().items[0].phone).toBe('138****8000');

    const away = { from: new Date(T0).toISOString(), until: new Date(T0 + 48 * HOUR).toISOString() };
    expect((await worker.req({ method: 'PUT', url: '/api/households/hh-a/away', payload: away })).statusCode).toBe(200);
    expect((await worker.req({ method: 'PUT', url: '/api/households/hh-b/away', payload: away })).statusCode).toBe(404);
    expect((await worker.req({ method: 'DELETE', url: '/api/households/hh-b/away' })).statusCode).toBe(404);
    expect(store.households.get('hh-b')?.awayFrom).toBeUndefined();

    expect(ids(await worker.req({ url: '/api/alerts' }))).toEqual(['al-hh-a']);
    expect((await worker.req({ url: '/api/alerts?householdId=hh-b' })).json().total).toBe(0);
    expect((await worker.req({ url: '/api/alerts/al-hh-a' })).statusCode).toBe(200);
    const other = await worker.req({ url: '/api/alerts/al-hh-b' });
    expect(other.statusCode).toBe(404);
    expect(other.json().error).toBe('alert-not-found');
    expect((await worker.req({ method: 'POST', url: '/api/alerts/al-hh-b/ack', payload: { by: 'w1' } })).statusCode).toBe(404);
    expect((await worker.req({ method: 'POST', url: '/api/alerts/al-hh-b/resolve', payload: { by: 'w1', note: 'x' } })).statusCode).toBe(404);
    expect(store.alerts.get('al-hh-b')?.status).toBe('open');
    // A person acts as themselves: the session's username, whatever "by" says (or without one).
    expect((await worker.req({ method: 'POST', url: '/api/alerts/al-hh-a/ack', payload: { by: 'someone else' } })).json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'w1' });
    expect((await worker.req({ method: 'POST', url: '/api/alerts/al-hh-a/resolve', payload: { note: 'visited, fine' } })).json()).toMatchObject({ status: 'resolved', resolvedBy: 'w1' });

    expect((await worker.req({ url: '/api/meters' })).json().items.map((m: { id: string }) => m.id)).toEqual(['m-a']);
    expect((await worker.req({ url: '/api/meters/m-b' })).statusCode).toBe(404);
  });

  it('may not manage households, consent, contacts, meters, users or read the access log (403)', async () => {
    const { worker, store } = await world();
    const forbidden = [
      { method: 'POST', url: '/api/households', payload: { name: 'x', gridId: 'g1' } },
      { method: 'PATCH', url: '/api/households/hh-a', payload: { name: 'x' } },
      { method: 'POST', url: '/api/households/hh-a/consent', payload: { consentedBy: 'x', scope: ['w'] } },
      { method: 'POST', url: '/api/households/hh-a/consent/withdraw' },
      { method: 'POST', url: '/api/households/hh-a/contacts', payload: { name: 'x', role: 'other', phone: '13800138000' } },
      { method: 'GET', url: '/api/households/hh-a/export' },
      { method: 'DELETE', url: '/api/households/hh-a' },
      { method: 'POST', url: '/api/meters', payload: { meterId: 'm-x', householdId: 'hh-a' } },
      { method: 'POST', url: '/api/meters/m-a/rotate' },
      { method: 'POST', url: '/api/meters/m-a/revoke' },
      { method: 'GET', url: '/api/dead-letters' },
      { method: 'GET', url: '/api/access-log' },
    ] as const;
    for (const r of forbidden) {
      const res = await worker.req(r);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().error).toBe('forbidden');
    }
    expect(store.households.get('hh-a')?.name).toBe('住户 hh-a');
    expect(store.meters.get('m-a')?.status).toBe('active');
  });
});

describe('operator: system health, no personal data', () => {
  it('reads dead letters and meters but no household, contact or alert', async () => {
    const { operator } = await world();
    expect((await operator.req({ url: '/api/dead-letters' })).statusCode).toBe(200);
    const meters = await operator.req({ url: '/api/meters' });
    expect(meters.statusCode).toBe(200);
    expect(meters.body).not.toMatch(/住户|幸福路|1380013/);
    for (const url of ['/api/households', '/api/households/hh-a', '/api/households/hh-a/contacts', '/api/alerts', '/api/alerts/al-hh-a', '/api/access-log', '/api/households/hh-a/export']) {
      const res = await operator.req({ url });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toMatch(/住户|幸福路|1380013/);
    }
    expect((await operator.req({ method: 'POST', url: '/api/alerts/al-hh-a/ack', payload: { by: 'op' } })).statusCode).toBe(403);
  });
});

describe('admin and the machine token: every grid', () => {
  it('sees and manages all households, including those without a grid', async () => {
    const { admin, bearer } = await world();
    for (const ask of [admin.req, bearer]) {
      expect(ids(await ask({ url: '/api/households' }))).toEqual(['hh-a', 'hh-b', 'hh-n']);
      expect(ids(await ask({ url: '/api/alerts' })).sort()).toEqual(['al-hh-a', 'al-hh-b', 'al-hh-n']);
      expect((await ask({ url: '/api/households/hh-b/contacts' })).statusCode).toBe(200);
      expect((await ask({ url: '/api/access-log' })).statusCode).toBe(200);
    }
    expect((await admin.req({ method: 'PATCH', url: '/api/households/hh-b', payload: { name: '改名' } })).statusCode).toBe(200);
    expect((await bearer({ method: 'POST', url: '/api/meters', payload: { meterId: 'm-new', householdId: 'hh-b' } })).statusCode).toBe(201);
  });
});

describe('nothing personal without authentication', () => {
  it('once a user exists, /api needs a session or the token (401), /health stays open', async () => {
    const { app, store } = harness();
    await addUser(store, { username: 'boss', role: 'admin' });
    expect((await app.inject({ url: '/api/households' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/alerts', headers: { cookie: 'anxin_session=forged' } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    store.households.create({ id: 'hh-a', name: '王奶奶' }, T0);
    for (const url of ['/api/households/', '/%61pi/households', '/api//households', '/API/households', '/api/households/hh-a?x=1', '/api/./households']) {
      const res = await app.inject({ url });
      expect([401, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain('王奶奶');
    }
    // Disabling every account does not reopen it.
    store.users.disable('boss');
    expect((await app.inject({ url: '/api/households' })).statusCode).toBe(401);
  });

  it('with no credential configured, serves only this machine: not another address, not a foreign Host (DNS rebinding)', async () => {
    const { app } = harness();
    expect((await app.inject({ url: '/api/households' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/households', remoteAddress: '192.168.1.20' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/households', headers: { host: 'evil.example:8080' } })).statusCode).toBe(401);
  });
});
