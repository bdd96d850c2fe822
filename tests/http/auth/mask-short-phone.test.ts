// Regression test (found by a review, 2026-12-07). The bug, as it was:
// README: contacts' phones are shown masked (138****8000); src/http/views.ts: "a phone number
// leaves the service only masked". The API accepts phones of 5-20 digits (a 7- or 8-digit
// local landline is common for elderly people living alone), but maskPhone
// (src/domain/household.ts) keeps the first 3 and last 4 digits whatever the length, so a
// 7-digit number comes out whole ("623****4567" shows 6234567) and an 8-digit one with 7 of 8.
import { afterEach, describe, expect, it } from 'vitest';
import { maskPhone } from '../../../src/domain/household.ts';
import { household, rig, type Rig } from '../../dashboard/helpers.ts';
import { addUser, login } from './helpers.ts';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

const shown = (masked: string) => masked.replace(/[^\d]/g, '');

describe('a short (landline) phone number', () => {
  it.each(['6234567', '62345678'])('is masked in GET /api/households/:id/contacts: %s', async (phone) => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    await addUser(r.app.store, { username: 'boss', role: 'admin' });
    await addUser(r.app.store, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
    const admin = await login(r.app.http, 'boss');
    const worker = await login(r.app.http, 'w1');
    const add = await admin.req({ method: 'POST', url: '/api/households/h1/contacts', payload: { name: '李建国', role: 'family', phone } });
    expect(add.statusCode).toBe(201);
    const list = await worker.req({ url: '/api/households/h1/contacts' });
    const masked = list.json().items[0].phone as string;
    // At least as many digits hidden as in the README's own example (4 of 11).
    expect(phone.length - shown(masked).length).toBeGreaterThanOrEqual(4);
  });
});

describe('maskPhone', () => {
  it('hides at least four digits of any length, and keeps the README example', () => {
    expect(['13800138000', '6234567', '62345678', '12345', '1234', '+8613800138000'].map(maskPhone)).toEqual(['138****8000', '****567', '****5678', '****5', '****', '+86****8000']);
  });
});
