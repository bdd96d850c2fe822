import { describe, expect, it } from 'vitest';
import type { AlertActions } from '../../src/http/deps.ts';
import { HOUR, T0, makeAlert, seedHousehold } from '../store/temp-store.ts';
import { harness } from './harness.ts';

function seeded(over: Parameters<typeof harness>[0] = {}) {
  const h = harness(over);
  seedHousehold(h.store, 'hh-1', 'm-1');
  h.store.alerts.insert(makeAlert({ id: 'al-1', meterId: 'm-1', type: 'no-usage' }));
  h.store.alerts.insert(makeAlert({ id: 'al-2', meterId: 'm-1', type: 'leak', openedAt: T0 + 1 }));
  return h;
}

const post = (url: string, payload?: object) => ({ method: 'POST' as const, url, ...(payload && { payload }) });

describe('alert routes', () => {
  it('lists with filters and paging', async () => {
    const { app } = seeded();
    const all = (await app.inject({ url: '/api/alerts' })).json();
    expect(all).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(all.items.map((a: { id: string }) => a.id)).toEqual(['al-2', 'al-1']);
    const leaks = (await app.inject({ url: '/api/alerts?type=leak&householdId=hh-1&status=open' })).json();
    expect(leaks.items.map((a: { id: string }) => a.id)).toEqual(['al-2']);
    const since = (await app.inject({ url: `/api/alerts?since=${new Date(T0 + 1).toISOString()}` })).json();
    expect(since.total).toBe(1);
    const bad = await app.inject({ url: '/api/alerts?type=fire' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid-query', message: expect.stringMatching(/^query\.type: expected one of no-usage, surge/) });
    expect((await app.inject({ url: '/api/alerts?limit=0' })).json().message).toMatch(/^query\.limit: /);
  });

  it('acks (200), refuses a second ack (409), then resolves with a note, keeping history', async () => {
    const { app, clock, changed } = seeded();
    clock.now = T0 + HOUR;
    const ack = await app.inject(post('/api/alerts/al-1/ack', { by: '网格员 陈', note: 'calling' }));
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ id: 'al-1', status: 'acknowledged', acknowledgedBy: '网格员 陈', acknowledgedAt: T0 + HOUR });

    const again = await app.inject(post('/api/alerts/al-1/ack', { by: 'someone else' }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: 'already-acknowledged', message: 'alert al-1 was already acknowledged by 网格员 陈' });

    clock.now = T0 + 2 * HOUR;
    const resolved = await app.inject(post('/api/alerts/al-1/resolve', { by: '网格员 陈', note: 'visited, resident is fine' }));
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolution: 'manual', resolvedAt: T0 + 2 * HOUR, note: 'visited, resident is fine' });
    expect((await app.inject(post('/api/alerts/al-1/ack', { by: 'x' }))).json().error).toBe('already-resolved');
    expect((await app.inject(post('/api/alerts/al-1/resolve', { by: 'x', note: 'y' }))).statusCode).toBe(409);
    expect(changed.map((a) => a.status)).toEqual(['acknowledged', 'resolved']);

    const detail = (await app.inject({ url: '/api/alerts/al-1' })).json();
    expect(detail).toMatchObject({ id: 'al-1', householdId: 'hh-1', reason: { zh: '已有14小时未用水' } });
    expect(detail.history.map((e: { kind: string; note?: string }) => [e.kind, e.note])).toEqual([
      ['opened', undefined],
      ['acknowledged', 'calling'],
      ['resolved', 'visited, resident is fine'],
    ]);
  });

  it.each([
    ['no note', { by: 'x' }, /^body\.note: expected a note saying how the alert was resolved/],
    ['blank note', { by: 'x', note: '   ' }, /^body\.note: expected a non-empty note/],
    ['no by', { note: 'fine' }, /^body\.by: expected "by": who is acting/],
  ])('resolve with %s → 400 with a clear message', async (_case, payload, message) => {
    const { app, store } = seeded();
    const res = await app.inject(post('/api/alerts/al-1/resolve', payload));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid-body');
    expect(res.json().message).toMatch(message);
    expect(store.alerts.get('al-1')?.status).toBe('open');
  });

  it.each([
    ['GET', '/api/alerts/al-404', undefined],
    ['POST', '/api/alerts/al-404/ack', { by: 'x' }],
    ['POST', '/api/alerts/al-404/resolve', { by: 'x', note: 'y' }],
  ] as const)('%s %s → 404', async (method, url, payload) => {
    const { app } = seeded();
    const res = await app.inject({ method, url, ...(payload && { payload }) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'alert-not-found', message: 'no alert with id "al-404"' });
  });

  it('awaits injected async actions and never leaks a 5xx cause', async () => {
    const alerts: AlertActions = {
      acknowledge: async () => {
        throw new Error('SQLITE_CORRUPT at /var/lib/anxin/anxin.db');
      },
      resolve: async (id) => ({ error: 'not-found', message: `no alert with id "${id}"` }),
    };
    const { app } = seeded({ alerts });
    const res = await app.inject(post('/api/alerts/al-1/ack', { by: 'x' }));
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toBe('internal');
    expect(res.body).not.toMatch(/SQLITE|anxin\.db/);
    expect((await app.inject(post('/api/alerts/al-1/resolve', { by: 'x', note: 'y' }))).statusCode).toBe(404);
  });
});
