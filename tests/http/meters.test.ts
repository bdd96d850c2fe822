import { describe, expect, it } from 'vitest';
import { T0 } from '../store/temp-store.ts';
import { harness } from './harness.ts';

async function withHousehold() {
  const h = harness();
  await h.app.inject({ method: 'POST', url: '/api/households', payload: { id: 'hh-1', name: 'A' } });
  return h;
}

describe('meter routes', () => {
  it('returns the token once, on provisioning, and it verifies', async () => {
    const { app, store, hooks } = await withHousehold();
    const res = await app.inject({ method: 'POST', url: '/api/meters', payload: { meterId: 'm-1', householdId: 'hh-1' } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { meterId, token } = res.json();
    expect(meterId).toBe('m-1');
    expect(store.meters.verify('m-1', token)).toBe('ok');
    expect(hooks.meter).toEqual(['m-1']);

    const one = await app.inject({ url: '/api/meters/m-1' });
    expect(one.json()).toEqual({ id: 'm-1', householdId: 'hh-1', status: 'active', createdAt: T0, processingAllowed: false });
    const all = await app.inject({ url: '/api/meters?householdId=hh-1' });
    for (const body of [one.body, all.body]) expect(body).not.toContain(token);
  });

  it.each([
    ['duplicate meter', { meterId: 'm-1', householdId: 'hh-1' }, 409, 'meter-exists'],
    ['unknown household', { meterId: 'm-2', householdId: 'nope' }, 404, 'household-not-found'],
    ['bad meter id', { meterId: 'm/1', householdId: 'hh-1' }, 400, 'invalid-body'],
    ['missing household', { meterId: 'm-2' }, 400, 'invalid-body'],
  ])('POST /api/meters with %s → %i %s', async (_case, payload, status, code) => {
    const { app } = await withHousehold();
    await app.inject({ method: 'POST', url: '/api/meters', payload: { meterId: 'm-1', householdId: 'hh-1' } });
    const res = await app.inject({ method: 'POST', url: '/api/meters', payload });
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toBe(code);
    expect(typeof res.json().message).toBe('string');
  });

  it('shows processingAllowed following consent', async () => {
    const { app } = await withHousehold();
    await app.inject({ method: 'POST', url: '/api/meters', payload: { meterId: 'm-1', householdId: 'hh-1' } });
    await app.inject({ method: 'POST', url: '/api/households/hh-1/consent', payload: { consentedBy: 'A', scope: ['water-monitoring'] } });
    expect((await app.inject({ url: '/api/meters/m-1' })).json().processingAllowed).toBe(true);
  });

  it('revokes a meter (and rotating issues a new token that works)', async () => {
    const { app, store, hooks } = await withHousehold();
    const { token } = (await app.inject({ method: 'POST', url: '/api/meters', payload: { meterId: 'm-1', householdId: 'hh-1' } })).json();
    const revoked = await app.inject({ method: 'POST', url: '/api/meters/m-1/revoke' });
    expect(revoked.json()).toMatchObject({ id: 'm-1', status: 'revoked', processingAllowed: false });
    expect(store.meters.verify('m-1', token)).toBe('revoked');

    const rotated = await app.inject({ method: 'POST', url: '/api/meters/m-1/rotate' });
    expect(rotated.headers['cache-control']).toBe('no-store');
    expect(store.meters.verify('m-1', rotated.json().token)).toBe('ok');
    expect(store.meters.verify('m-1', token)).toBe('bad-password');
    expect(hooks.meter).toEqual(['m-1', 'm-1', 'm-1']);

    expect((await app.inject({ method: 'POST', url: '/api/meters/m-9/revoke' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/meters/m-9' })).json().error).toBe('meter-not-found');
  });
});
