// The PIPL access log (issue 8.2, 11.6): who read or changed whose data, when, from where.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runRetention } from '../../../src/service/retention.ts';
import { RetentionSchema } from '../../../src/service/retention.ts';
import { HOUR, T0, makeAlert, tempStore } from '../../store/temp-store.ts';
import { harness } from '../harness.ts';
import { PASSWORD, addUser, login } from './helpers.ts';

const apiToken = 'machine-token-0123456789';

async function world() {
  const h = harness({ apiToken });
  for (const [hh, grid, meter] of [['hh-a', 'g1', 'm-a'], ['hh-b', 'g2', 'm-b']] as const) {
    h.store.households.create({ id: hh, name: `住户 ${hh}`, gridId: grid }, T0);
    h.store.meters.provision(meter, hh, T0);
    h.store.alerts.insert(makeAlert({ id: `al-${hh}`, meterId: meter }));
  }
  await addUser(h.store, { username: 'boss', role: 'admin' });
  await addUser(h.store, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
  const admin = await login(h.app, 'boss');
  const worker = await login(h.app, 'w1');
  return { ...h, admin, worker };
}

describe('access log', () => {
  it('records each read and change of a household with who, what, when and from where', async () => {
    const { app, store, clock, worker } = await world();
    const before = store.accessLog.list({ limit: 100, offset: 0 }).total;
    clock.now = T0 + HOUR;
    await worker.req({ url: '/api/households/hh-a', headers: { 'user-agent': 'Mobile Safari' }, remoteAddress: '10.1.2.3' });
    await worker.req({ url: '/api/households' });
    await worker.req({ method: 'PUT', url: '/api/households/hh-a/away', payload: { from: new Date(T0).toISOString(), until: new Date(T0 + 9 * HOUR).toISOString() } });
    await worker.req({ url: '/api/households/hh-b' }); // another grid: 404, and the attempt is on record
    await worker.req({ url: '/api/alerts/al-hh-a' });
    await app.inject({ url: '/api/alerts', headers: { authorization: `Bearer ${apiToken}` } });
    const entries = store.accessLog.list({ limit: 100, offset: 0 }).items.slice(0, store.accessLog.list({ limit: 100, offset: 0 }).total - before).reverse();
    expect(entries).toMatchObject([
      { at: T0 + HOUR, actor: 'w1', actorKind: 'session', role: 'grid-worker', action: 'read', method: 'GET', route: '/api/households/hh-a', householdId: 'hh-a', status: 200, ip: '10.1.2.3', userAgent: 'Mobile Safari' },
      { actor: 'w1', action: 'read', route: '/api/households', subjects: ['hh-a'], status: 200 },
      { actor: 'w1', action: 'change', method: 'PUT', route: '/api/households/hh-a/away', householdId: 'hh-a', status: 200 },
      { actor: 'w1', action: 'read', householdId: 'hh-b', status: 404 },
      { actor: 'w1', route: '/api/alerts/al-hh-a', householdId: 'hh-a', status: 200 },
      { actor: 'api-token', actorKind: 'token', role: 'admin', route: '/api/alerts', subjects: ['hh-b', 'hh-a'] },
    ]);
  });

  it('records sign-ins, failed ones too, but not requests refused at the door', async () => {
    const { app, store } = await world();
    await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'w1', password: 'wrong password' }, remoteAddress: '10.9.9.9' });
    await app.inject({ url: '/api/households' }); // no credential: 401, not personal-data access
    // Someone typing their password into the username field: it is not written down.
    await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'Secret-Pa55word', password: 'w1' } });
    expect(store.accessLog.list({ limit: 1, offset: 0 }).items[0]).toMatchObject({ actor: '(unknown username)', action: 'login-failed' });
    expect(JSON.stringify(store.accessLog.list({ limit: 100, offset: 0 }))).not.toContain('Secret-Pa55word');
    const [, failed, ...rest] = store.accessLog.list({ limit: 100, offset: 0 }).items;
    expect(failed).toMatchObject({ actor: 'w1', actorKind: 'anonymous', action: 'login-failed', status: 401, ip: '10.9.9.9' });
    expect(rest.filter((e) => e.action === 'login' && e.status === 200).map((e) => e.actor)).toEqual(['w1', 'boss']);
    expect(rest.some((e) => e.status === 401 && e.action === 'read')).toBe(false);
    expect(JSON.stringify(store.accessLog.list({ limit: 100, offset: 0 }))).not.toContain(PASSWORD);
  });

  it('GET /api/access-log filters by household (list reads included), actor and time; admins only', async () => {
    const { app, worker, admin, clock } = await world();
    clock.now = T0 + HOUR / 2;
    await worker.req({ url: '/api/households' });
    clock.now = T0 + HOUR;
    await worker.req({ url: '/api/households/hh-a/contacts' });
    await admin.req({ url: '/api/households/hh-b' });
    expect((await worker.req({ url: '/api/access-log' })).statusCode).toBe(403);
    const hhA = (await admin.req({ url: '/api/access-log?householdId=hh-a' })).json();
    expect(hhA.items.map((e: { route: string }) => e.route)).toEqual(['/api/households/hh-a/contacts', '/api/households']);
    const byW1 = (await admin.req({ url: `/api/access-log?actor=w1&since=${new Date(T0 + HOUR).toISOString()}` })).json();
    // The worker's refused look at the log is on it too.
    expect(byW1.items.map((e: { route: string; status: number }) => `${e.status} ${e.route}`)).toEqual(['403 /api/access-log', '200 /api/households/hh-a/contacts']);
    expect((await admin.req({ url: '/api/access-log?since=yesterday' })).json().error).toBe('invalid-query');
    expect((await app.inject({ url: '/api/access-log', headers: { authorization: `Bearer ${apiToken}` } })).statusCode).toBe(200);
  });

  it('is append-only (the database refuses an update) and leaves only by its own retention', async () => {
    const { store, path } = tempStore();
    store.accessLog.append({ at: T0, actor: 'w1', actorKind: 'session', action: 'read', method: 'GET', route: '/api/households/x', status: 200 });
    store.accessLog.append({ at: T0 + 200 * 86_400_000, actor: 'w1', actorKind: 'session', action: 'read', method: 'GET', route: '/api/households/y', status: 200 });
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE access_log SET actor = 'someone else'").run()).toThrow(/append-only/);
    raw.close();
    const retention = RetentionSchema.parse({ accessLogDays: 180 });
    const removed = await runRetention({ store, retention, sessions: { idleMs: HOUR, absoluteMs: 12 * HOUR } }, T0 + 200 * 86_400_000);
    expect(removed.accessLog).toBe(1);
    expect(store.accessLog.list({ limit: 10, offset: 0 }).items.map((e) => e.route)).toEqual(['/api/households/y']);
  });
});
