// Regression (an audit found it; fixed): the family page (no sign-in, anyone holding the link) shows the full name of the
// contact who acknowledged an urgent alert through an SMS link or reply: acknowledgedBy is
// "李明 (family)", the contact's stored name unmasked.
// Cause: src/http/routes/family.ts:103 falls back to `full.acknowledgedBy` as stored, which
// src/notify/acks.ts:58 sets to `${contact.name} (${contact.role})`; only signed-in users are
// replaced by their display name, and nothing masks a contact's name.
// Correct (README, family page): "No name, address, phone or readings"; names outside the
// export are masked (王*, as the ack page /a/:token already does with maskName for the same field).
import { afterEach, describe, expect, it } from 'vitest';
import { household, rig, type Rig } from '../../dashboard/helpers.ts';
import { makeAlert } from '../../store/temp-store.ts';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('family page after a contact acknowledged by link', () => {
  it('does not show the contact\'s full name', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1', ['water-monitoring', 'family-status', 'family-alerts']);
    const contact = r.app.store.contacts.add('h1', { name: '李明', role: 'neighbour', phone: '13800138000' });
    if ('error' in contact) throw new Error(contact.message);
    r.app.store.alerts.insert(makeAlert({ id: 'al-leak', meterId: 'm1', type: 'leak', openedAt: r.clock.now }));
    const answered = r.app.acks.respond('al-leak', contact, 'link'); // what POST /a/:token does
    expect(answered).toMatchObject({ result: 'acknowledged' });

    await r.app.store.users.create({ username: 'boss', password: 'admin-pass-12345', role: 'admin' });
    const login = await r.api('POST', '/api/session', { username: 'boss', password: 'admin-pass-12345' });
    const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': login.body.csrfToken };
    const link = await r.api('POST', '/api/households/h1/family-links', {}, headers);
    expect(link.status).toBe(201);

    const page = await r.api('GET', `${link.body.path}/status`);
    expect(page.status).toBe(200);
    expect(page.body.alerts).toHaveLength(1);
    expect(page.body.alerts[0].status).toBe('acknowledged');
    expect(JSON.stringify(page.body)).not.toContain('李明');
  });
});
