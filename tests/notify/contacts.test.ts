// The contact ladder: migration 6 keeps the contacts a database already has (old roles stay
// valid), and the API takes rung, channels, language and a WeCom key, with clear 400s.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contactChannels, contactRung } from '../../src/domain/household.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/schema.ts';
import { harness } from '../http/harness.ts';
import { T0, tempDir } from '../store/temp-store.ts';

describe('contact ladder', () => {
  it('migration 6 keeps existing contacts, in order, with their old roles', () => {
    const path = join(tempDir(), 'old.db');
    const raw = new Database(path);
    migrate(raw, MIGRATIONS.filter((m) => m.id <= 5));
    raw.prepare("INSERT INTO households (id, name, created_at) VALUES ('hh-1', 'A', ?)").run(T0);
    raw.prepare("INSERT INTO contacts (id, household_id, name, role, phone) VALUES ('ct-b', 'hh-1', '邻居 赵', 'neighbour', '13600000000')").run();
    raw.prepare("INSERT INTO contacts (id, household_id, name, role, wechat_open_id) VALUES ('ct-a', 'hh-1', '女儿', 'family', 'o-1')").run();
    raw.close();
    const store = openStore(path);
    expect(store.migrated).toEqual(MIGRATIONS.filter((m) => m.id > 5).map((m) => m.id));
    expect(store.contacts.list('hh-1')).toEqual([
      { id: 'ct-b', householdId: 'hh-1', name: '邻居 赵', role: 'neighbour', phone: '13600000000' },
      { id: 'ct-a', householdId: 'hh-1', name: '女儿', role: 'family', wechatOpenId: 'o-1' },
    ]);
    expect(store.contacts.byPhone('+86 136-0000-0000').map((c) => c.id)).toEqual(['ct-b']);
    store.close();
  });

  it('rungs default by role; channels default to what the contact has, in preference order', () => {
    expect(contactRung({ role: 'elder' })).toBe(0);
    expect(contactRung({ role: 'grid-worker' })).toBe(1);
    expect(contactRung({ role: 'family' })).toBe(2);
    expect(contactRung({ role: 'duty-officer' })).toBe(3);
    expect(contactRung({ role: 'family', rung: 1 })).toBe(1);
    expect(contactChannels({ phone: '1', wechatOpenId: 'o' })).toEqual(['sms', 'wechat']);
    expect(contactChannels({ channels: ['wechat', 'voice', 'wecom'], phone: '1' })).toEqual(['voice']);
  });

  it('the API takes rung, channels, language and a WeCom key; the key and the phone are never shown', async () => {
    const { app, store } = harness();
    store.households.create({ id: 'hh-1', name: 'A' }, T0);
    const res = await app.inject({
      method: 'POST',
      url: '/api/households/hh-1/contacts',
      payload: { name: '社区值班', role: 'duty-officer', phone: '138 0013 8000', channels: ['wecom', 'sms'], lang: 'en', wecomKey: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa', rung: 4 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ role: 'duty-officer', phone: '138****8000', channels: ['wecom', 'sms'], lang: 'en', wecomKey: 'set', rung: 4 });
    expect(store.contacts.list('hh-1')[0]!.wecomKey).toBe('693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa');
    const elder = await app.inject({ method: 'POST', url: '/api/households/hh-1/contacts', payload: { name: '王', role: 'elder', phone: '13900000001' } });
    expect(elder.statusCode).toBe(201);

    const unreachable = await app.inject({ method: 'POST', url: '/api/households/hh-1/contacts', payload: { name: 'x', role: 'family', phone: '13900000001', channels: ['wechat'] } });
    expect(unreachable.json()).toMatchObject({ error: 'invalid-body', message: expect.stringMatching(/^body\.channels: expected every listed channel to be reachable/) });
    const badLang = await app.inject({ method: 'POST', url: '/api/households/hh-1/contacts', payload: { name: 'x', role: 'family', phone: '13900000001', lang: 'fr' } });
    expect(badLang.json().message).toMatch(/^body\.lang: expected lang zh-CN or en/);
    const dup = await app.inject({ method: 'POST', url: '/api/households/hh-1/contacts', payload: { name: 'x', role: 'family', phone: '13900000001', channels: ['sms', 'sms'] } });
    expect(dup.json().message).toMatch(/^body\.channels: expected each channel at most once/);
  });
});
