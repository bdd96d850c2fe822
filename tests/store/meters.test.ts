import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { T0, seedHousehold, tempStore } from './temp-store.ts';

describe('meters repository', () => {
  it('returns the token once and stores only a salted verifier (HMAC-SHA256)', () => {
    const { store, path } = tempStore();
    const token = seedHousehold(store);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 bytes in base64url
    expect(store.meters.get('m-1')).toEqual({ id: 'm-1', householdId: 'hh-1', status: 'active', createdAt: T0 });
    expect(JSON.stringify(store.meters.list())).not.toContain(token);

    const raw = new Database(path, { readonly: true });
    const { token_hash } = raw.prepare('SELECT token_hash FROM meters').get() as { token_hash: string };
    raw.close();
    expect(token_hash).toMatch(/^hmac-sha256\$[\w-]{22}\$[\w-]{43}$/); // 16-byte salt, 32-byte MAC
    expect(token_hash).not.toContain(token);
    store.close();
    for (const suffix of ['', '-wal']) {
      let bytes = '';
      try {
        bytes = readFileSync(path + suffix, 'latin1');
      } catch {
        continue; // the WAL may have been checkpointed away on close
      }
      expect(bytes).not.toContain(token);
    }
  });

  it('refuses a second provision of the same meter and an unknown household', () => {
    const { store } = tempStore();
    seedHousehold(store);
    expect(store.meters.provision('m-1', 'hh-1', T0)).toMatchObject({ error: 'meter-exists' });
    expect(store.meters.provision('m-2', 'nope', T0)).toMatchObject({ error: 'household-not-found' });
  });

  it.each([
    { case: 'right token', meterId: 'm-1', password: (t: string) => t, revoke: false, expected: 'ok' },
    { case: 'wrong token', meterId: 'm-1', password: (t: string) => t.slice(1) + 'x', revoke: false, expected: 'bad-password' },
    { case: 'empty token', meterId: 'm-1', password: () => '', revoke: false, expected: 'bad-password' },
    { case: 'unknown meter', meterId: 'm-9', password: (t: string) => t, revoke: false, expected: 'unknown' },
    { case: 'revoked meter', meterId: 'm-1', password: (t: string) => t, revoke: true, expected: 'revoked' },
  ])('verify: $case → $expected', ({ meterId, password, revoke, expected }) => {
    const { store } = tempStore();
    const token = seedHousehold(store);
    if (revoke) store.meters.revoke('m-1');
    expect(store.meters.verify(meterId, password(token))).toBe(expected);
  });

  it('rotates the token: the old one stops working, a revoked meter is reinstated', () => {
    const { store } = tempStore();
    const old = seedHousehold(store);
    store.meters.revoke('m-1');
    const r = store.meters.rotateToken('m-1');
    if ('error' in r) throw new Error(r.message);
    expect(r.meter.status).toBe('active');
    expect(store.meters.verify('m-1', old)).toBe('bad-password');
    expect(store.meters.verify('m-1', r.token)).toBe('ok');
    expect(store.meters.rotateToken('m-9')).toMatchObject({ error: 'meter-not-found' });
  });

  it('revoke is idempotent and reports an unknown meter', () => {
    const { store } = tempStore();
    seedHousehold(store);
    expect(store.meters.revoke('m-1')).toMatchObject({ status: 'revoked' });
    expect(store.meters.revoke('m-1')).toMatchObject({ status: 'revoked' });
    expect(store.meters.revoke('m-9')).toMatchObject({ error: 'meter-not-found' });
  });

  it('lists by household and knows the household of a meter', () => {
    const { store } = tempStore();
    seedHousehold(store, 'hh-1', 'm-1');
    seedHousehold(store, 'hh-2', 'm-2');
    expect(store.meters.list({ householdId: 'hh-2' }).map((m) => m.id)).toEqual(['m-2']);
    expect(store.meters.list().map((m) => m.id)).toEqual(['m-1', 'm-2']);
    expect(store.meters.householdOf('m-2')).toBe('hh-2');
    expect(store.meters.householdOf('m-9')).toBeUndefined();
  });

  // PIPL: readings of a household without live consent are not processed.
  it.each([
    { case: 'consent given', setup: 'none', meterId: 'm-1', expected: true },
    { case: 'unknown meter', setup: 'none', meterId: 'm-9', expected: false },
    { case: 'consent withdrawn', setup: 'withdraw', meterId: 'm-1', expected: false },
    { case: 'consent withdrawn then given again', setup: 'withdraw-regive', meterId: 'm-1', expected: true },
    { case: 'meter revoked', setup: 'revoke', meterId: 'm-1', expected: false },
    { case: 'household never consented', setup: 'no-consent', meterId: 'm-2', expected: false },
  ] as const)('isProcessingAllowed: $case → $expected', ({ setup, meterId, expected }) => {
    const { store } = tempStore();
    seedHousehold(store);
    store.households.create({ id: 'hh-2', name: 'B' }, T0);
    store.meters.provision('m-2', 'hh-2', T0);
    if (setup === 'withdraw' || setup === 'withdraw-regive') store.households.withdrawConsent('hh-1', T0 + 1);
    if (setup === 'withdraw-regive') store.households.giveConsent('hh-1', { consentedBy: 'A', consentedAt: T0 + 2, scope: ['w'] });
    if (setup === 'revoke') store.meters.revoke('m-1');
    expect(store.meters.isProcessingAllowed(meterId)).toBe(expected);
  });
});
