import { describe, expect, it } from 'vitest';
import { HOUR, T0 } from '../store/temp-store.ts';
import { harness } from './harness.ts';

describe('household routes', () => {
  it('creates, reads, lists and patches a household', async () => {
    const { app } = harness();
    const created = await app.inject({ method: 'POST', url: '/api/households', payload: { id: 'hh-1', name: '王奶奶', gridId: 'g7' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: 'hh-1', name: '王奶奶', gridId: 'g7', createdAt: T0, consentActive: false, awayNow: false });

    const dup = await app.inject({ method: 'POST', url: '/api/households', payload: { id: 'hh-1', name: 'x' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toBe('household-exists');

    const patched = await app.inject({ method: 'PATCH', url: '/api/households/hh-1', payload: { address: '幸福路 3 号', gridId: null } });
    expect(patched.json()).toMatchObject({ address: '幸福路 3 号' });
    expect(patched.json()).not.toHaveProperty('gridId');

    const list = await app.inject({ url: '/api/households?limit=10' });
    expect(list.json()).toMatchObject({ total: 1, limit: 10, offset: 0, items: [{ id: 'hh-1' }] });
    expect((await app.inject({ url: '/api/households/nope' })).json()).toEqual({
      error: 'household-not-found',
      message: 'no household with id "nope"',
    });
  });

  it.each([
    ['missing name', { id: 'hh-1' }, 'invalid-body', /^body\.name: /],
    ['unknown key', { name: 'A', phone: '1' }, 'invalid-body', /phone/],
    ['bad id', { id: 'has space', name: 'A' }, 'invalid-body', /^body\.id: expected an id of letters/],
    ['not an object', [1], 'invalid-body', /^body: /],
  ])('POST /api/households with %s → 400 naming the field', async (_case, payload, code, message) => {
    const { app } = harness();
    const res = await app.inject({ method: 'POST', url: '/api/households', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe(code);
    expect(res.json().message).toMatch(message);
  });

  it('answers malformed JSON with a coded 400', async () => {
    const { app } = harness();
    const res = await app.inject({ method: 'POST', url: '/api/households', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid-json' });
  });

  it('records and withdraws consent, telling the composition root', async () => {
    const { app, clock, hooks } = harness();
    await app.inject({ method: 'POST', url: '/api/households', payload: { id: 'hh-1', name: 'A' } });
    const bad = await app.inject({ method: 'POST', url: '/api/households/hh-1/consent', payload: { consentedBy: 'A', scope: [] } });
    expect(bad.json()).toMatchObject({ error: 'invalid-body', message: expect.stringMatching(/^body\.scope: expected at least one scope/) });

    const given = await app.inject({ method: 'POST', url: '/api/households/hh-1/consent', payload: { consentedBy: '女儿 李梅', scope: ['water-monitoring'] } });
    expect(given.json()).toMatchObject({ consentActive: true, consent: { consentedBy: '女儿 李梅', consentedAt: T0 } });

    clock.now = T0 + HOUR;
    const withdrawn = await app.inject({ method: 'POST', url: '/api/households/hh-1/consent/withdraw' });
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ consentActive: false, consent: { withdrawnAt: T0 + HOUR } });
    expect(hooks.consent).toEqual(['hh-1', 'hh-1']);

    const none = await app.inject({ method: 'POST', url: '/api/households/nope/consent/withdraw' });
    expect(none.statusCode).toBe(404);
  });

  it('sets and clears away with ISO times and calls onAwayChanged', async () => {
    const { app, hooks } = harness();
    await app.inject({ method: 'POST', url: '/api/households', payload: { id: 'hh-1', name: 'A' } });
    const from = new Date(T0 - HOUR).toISOString();
    const until = new Date(T0 + 48 * HOUR).toISOString();
    const away = await app.inject({ method: 'PUT', url: '/api/households/hh-1/away', payload: { from, until } });
    expect(away.json()).toMatchObject({ awayFrom: T0 - HOUR, awayUntil: T0 + 48 * HOUR, awayNow: true });

    const backwards = await app.inject({ method: 'PUT', url: '/api/households/hh-1/away', payload: { from: until, until: from } });
    expect(backwards.json()).toEqual({ error: 'invalid-body', message: 'body.until: expected "from" before "until"' });

    // No-usage is off while away: never "for ever" (a typo, a year 9999).
    const endless = await app.inject({ method: 'PUT', url: '/api/households/hh-1/away', payload: { from, until: '9999-12-31T00:00:00Z' } });
    expect(endless.statusCode).toBe(400);
    expect(endless.json()).toEqual({ error: 'invalid-body', message: 'body.until: expected an away period of at most 90 days (no-usage alerts are off while away; register a longer absence again when it is extended)' });
    const garbled = await app.inject({ method: 'PUT', url: '/api/households/hh-1/away', payload: { from: 'next week', until } });
    expect(garbled.json()).toEqual({ error: 'invalid-body', message: 'body.from: expected an ISO-8601 timestamp with a zone, e.g. 2026-01-05T07:31:00Z or 2026-01-05T15:31:00+08:00' });

    // Back home: the trip under way ends now and is kept (the silence at home counts from here).
    const back = await app.inject({ method: 'DELETE', url: '/api/households/hh-1/away' });
    expect(back.json()).toMatchObject({ awayFrom: T0 - HOUR, awayUntil: T0, awayNow: false });
    expect(hooks.away).toEqual(['hh-1', 'hh-1']);
  });

  it('masks phones in contact responses', async () => {
    const { app, store } = harness();
    await app.inject({ method: 'POST', url: '/api/households', payload: { id: 'hh-1', name: 'A' } });
    const added = await app.inject({
      method: 'POST',
      url: '/api/households/hh-1/contacts',
      payload: { name: '李梅', role: 'family', phone: '138 0013 8000' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ name: '李梅', role: 'family', phone: '138****8000' });
    expect(added.body).not.toContain('13800138000');
    // The notifier still needs the whole number.
    expect(store.contacts.list('hh-1')[0]?.phone).toBe('13800138000');

    const list = await app.inject({ url: '/api/households/hh-1/contacts' });
    expect(list.json().items.map((c: { phone: string }) => c.phone)).toEqual(['138****8000']);

    const unreachable = await app.inject({ method: 'POST', url: '/api/households/hh-1/contacts', payload: { name: 'x', role: 'other' } });
    expect(unreachable.json()).toMatchObject({ error: 'invalid-body', message: expect.stringMatching(/^body\.phone: expected a phone or a wechatOpenId/) });
    const badRole = await app.inject({ method: 'POST', url: '/api/households/hh-1/contacts', payload: { name: 'x', role: 'boss', phone: '13800138000' } });
    expect(badRole.json().message).toMatch(/^body\.role: expected one of family, grid-worker, neighbour, other/);
    expect((await app.inject({ url: '/api/households/nope/contacts' })).statusCode).toBe(404);
  });
});
