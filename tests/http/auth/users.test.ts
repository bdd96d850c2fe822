// Administrators manage accounts over the API (the same as npm run admin).
import { describe, expect, it } from 'vitest';
import { harness } from '../harness.ts';
import { addUser, login } from './helpers.ts';

describe('/api/users (admin)', () => {
  it('creates a grid worker with a password shown once, changes its grids, resets and disables it', async () => {
    const { app, store } = harness();
    await addUser(store, { username: 'boss', role: 'admin' });
    const admin = await login(app, 'boss');
    const created = await admin.req({ method: 'POST', url: '/api/users', payload: { username: 'w1', role: 'grid-worker', gridIds: ['g1'], displayName: '王网格员' } });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { user, password } = created.json();
    expect(user).toMatchObject({ username: 'w1', role: 'grid-worker', gridIds: ['g1'], displayName: '王网格员' });
    const list = await admin.req({ url: '/api/users' });
    expect(list.json().items.map((u: { username: string }) => u.username)).toEqual(['boss', 'w1']);
    expect(list.body).not.toMatch(/scrypt|"password"|passwordHash/);

    const worker = await login(app, 'w1', password);
    expect((await worker.req({ url: '/api/users' })).statusCode).toBe(403);
    await admin.req({ method: 'PATCH', url: '/api/users/w1', payload: { gridIds: ['g1', 'g2'] } });
    // The new grids apply at the worker's next request, in the same session.
    expect((await worker.req({ url: '/api/session' })).json().user.gridIds).toEqual(['g1', 'g2']);

    const reset = await admin.req({ method: 'POST', url: '/api/users/w1/reset-password' });
    expect(reset.json().password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await worker.req({ url: '/api/session' })).statusCode).toBe(401);
    await login(app, 'w1', reset.json().password);
    expect((await admin.req({ method: 'POST', url: '/api/users/w1/disable' })).json().disabledAt).toEqual(expect.any(Number));
    expect((await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'w1', password: reset.json().password } })).statusCode).toBe(401);
  });

  it('refuses bad input and never disables or demotes the last administrator', async () => {
    const { app, store } = harness();
    await addUser(store, { username: 'boss', role: 'admin' });
    const admin = await login(app, 'boss');
    expect((await admin.req({ method: 'POST', url: '/api/users', payload: { username: 'w 1', role: 'grid-worker' } })).json().error).toBe('invalid-body');
    expect((await admin.req({ method: 'POST', url: '/api/users', payload: { username: 'w1', role: 'grid-worker' } })).json()).toMatchObject({ error: 'invalid-body', message: expect.stringMatching(/grid id/) });
    expect((await admin.req({ method: 'POST', url: '/api/users', payload: { username: 'boss', role: 'operator' } })).json().error).toBe('user-exists');
    expect((await admin.req({ method: 'POST', url: '/api/users/boss/disable' })).json().error).toBe('last-admin');
    expect((await admin.req({ method: 'PATCH', url: '/api/users/boss', payload: { role: 'operator' } })).json().error).toBe('last-admin');
    expect((await admin.req({ method: 'POST', url: '/api/users/ghost/enable' })).json().error).toBe('user-not-found');
  });
});
