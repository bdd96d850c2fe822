// Meter token verifiers (issue 12.5): new tokens are stored as a salted HMAC-SHA256 (fast,
// no KDF: the token has 192 random bits); rows still holding the old scrypt hash verify as
// before and are upgraded on their first successful CONNECT; nothing weaker gets in.
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, hashTokenLegacy, isLegacyHash, tokenMatches, tokenMatchesAsync } from '../../src/store/meter-token.ts';
import type { Store } from '../../src/store/index.ts';
import { seedHousehold, tempStore } from './temp-store.ts';

const hashOf = (store: Store, id = 'm-1') => (store.db.prepare('SELECT token_hash FROM meters WHERE id = ?').get(id) as { token_hash: string }).token_hash;
const setHash = (store: Store, hash: string, id = 'm-1') => store.db.prepare('UPDATE meters SET token_hash = ? WHERE id = ?').run(hash, id);

describe('meter token verifiers', () => {
  it('salts each verifier and accepts only the exact token', async () => {
    const token = generateToken();
    const a = hashToken(token);
    const b = hashToken(token);
    expect(a).not.toBe(b); // per-row salt: equal tokens never give equal verifiers
    expect(isLegacyHash(a)).toBe(false);
    expect(tokenMatches(token, a)).toBe(true);
    expect(await tokenMatchesAsync(token, b)).toBe(true);
    // a one-character change, a prefix, the token with a suffix, the empty string
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const wrong of [flipped, token.slice(0, -1), `${token}x`, '']) expect(tokenMatches(wrong, a)).toBe(false);
    // a verifier that is not one (truncated MAC, unknown scheme) matches nothing, and never throws
    expect(tokenMatches(token, a.slice(0, -4))).toBe(false);
    expect(tokenMatches(token, `sha1$${a.split('$')[1]}$${a.split('$')[2]}`)).toBe(false);
    expect(tokenMatches(token, 'garbage')).toBe(false);
  });

  it('still verifies a legacy scrypt hash, with the same answers', async () => {
    const token = generateToken();
    const old = hashTokenLegacy(token);
    expect(isLegacyHash(old)).toBe(true);
    expect(tokenMatches(token, old)).toBe(true);
    expect(await tokenMatchesAsync(token, old)).toBe(true);
    expect(await tokenMatchesAsync(`${token}x`, old)).toBe(false);
  });

  it('lets a meter with an old scrypt hash in once, then stores the fast verifier in its place', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store);
    const legacy = hashTokenLegacy(token);
    setHash(store, legacy);

    // a wrong token on a legacy row: refused, and the row is left as it was
    expect(await store.meters.verifyAsync('m-1', `${token}x`)).toBe('bad-password');
    await store.writes.barrier();
    expect(hashOf(store)).toBe(legacy);

    expect(await store.meters.verifyAsync('m-1', token)).toBe('ok');
    await store.writes.barrier(); // the upgrade rides the group commit
    const upgraded = hashOf(store);
    expect(isLegacyHash(upgraded)).toBe(false);
    expect(upgraded).toMatch(/^hmac-sha256\$/);
    expect(upgraded).not.toContain(token);
    expect(store.meters.upgradedVerifiers()).toBe(1);

    // after the upgrade: the same token still works, a wrong one still does not
    expect(await store.meters.verifyAsync('m-1', token)).toBe('ok');
    expect(await store.meters.verifyAsync('m-1', `${token}x`)).toBe('bad-password');
    expect(store.meters.verify('m-1', token)).toBe('ok');
    expect(store.meters.upgradedVerifiers()).toBe(1);
  });

  it('never overwrites a rotation with an upgrade, and upgrades a revoked meter without letting it in', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store);
    setHash(store, hashTokenLegacy(token));
    const ok = store.meters.verifyAsync('m-1', token);
    const rotated = store.meters.rotateToken('m-1'); // lands while scrypt runs
    if ('error' in rotated) throw new Error(rotated.message);
    expect(await ok).toBe('bad-password');
    await store.writes.barrier();
    expect(tokenMatches(rotated.token, hashOf(store))).toBe(true);
    expect(store.meters.upgradedVerifiers()).toBe(0);

    // verified and upgrade queued, then rotated before the group commit ran: the rotation stands
    setHash(store, hashTokenLegacy(rotated.token));
    expect(await store.meters.verifyAsync('m-1', rotated.token)).toBe('ok');
    const again = store.meters.rotateToken('m-1');
    if ('error' in again) throw new Error(again.message);
    await store.writes.barrier();
    expect(tokenMatches(again.token, hashOf(store))).toBe(true);
    expect(tokenMatches(rotated.token, hashOf(store))).toBe(false);
    expect(store.meters.upgradedVerifiers()).toBe(0);

    setHash(store, hashTokenLegacy(again.token));
    store.meters.revoke('m-1');
    expect(await store.meters.verifyAsync('m-1', again.token)).toBe('revoked');
    await store.writes.barrier();
    expect(isLegacyHash(hashOf(store))).toBe(false);
    expect(await store.meters.verifyAsync('m-1', again.token)).toBe('revoked');
    expect(await store.meters.verifyAsync('m-1', 'wrong')).toBe('bad-password');
  });

  it('verifies a fast verifier without a thread-pool round trip (the reconnect-storm path)', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store);
    // Synchronous up to the verdict: the promise is already settled when the next macrotask runs,
    // which a scrypt on libuv's pool (~2 ms) never is.
    let verdict: string | undefined;
    void store.meters.verifyAsync('m-1', token).then((v) => (verdict = v));
    await new Promise<void>((r) => setImmediate(r));
    expect(verdict).toBe('ok');
  });
});
