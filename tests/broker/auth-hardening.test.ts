// Authentication that cannot be turned against the box (issue 11.2): backoff on failures
// per meter id and per address, a verified-token cache (no hash per reconnect) invalidated
// by rotation and revocation, scrypt off the event loop, no credential in the log.
import { Writable } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CONNACK, DEFAULT_LIMITS, type AuthLimits, type Broker, type MeterAuthenticator } from '../../src/broker/index.ts';
import { AuthBackoff } from '../../src/broker/auth-backoff.ts';
import type { Store } from '../../src/store/index.ts';
import { hashTokenLegacy } from '../../src/store/meter-token.ts';
import { seedHousehold, tempStore, T0 } from '../store/temp-store.ts';
import { Inbox, connect, startTestBroker, closeAfterEach } from './harness.ts';

const auth = (over: Partial<AuthLimits> = {}): AuthLimits => ({ ...DEFAULT_LIMITS.auth, ...over });

/** The store as authenticator, counting how many CONNECTs needed a full scrypt. */
function countingAuth(store: Store) {
  const calls = { hashed: 0, cached: 0 };
  const a: MeterAuthenticator = {
    verify: (id, pw) => {
      if (store.meters.verifyCached(id, pw) !== undefined) calls.cached++;
      else calls.hashed++;
      return store.meters.verifyAsync(id, pw);
    },
    verifyCached: (id, pw) => store.meters.verifyCached(id, pw),
  };
  return { a, calls };
}

describe('auth backoff (pure)', () => {
  it('answers the first failures at once, then doubles the delay, then locks out for a while', () => {
    const now = { ms: 0 };
    const b = new AuthBackoff(auth({ freeFailuresPerMeter: 2, baseDelayMs: 100, maxDelayMs: 1000, lockoutAfterPerMeter: 6, lockoutMs: 60_000 }), () => now.ms);
    const delays = [1, 2, 3, 4, 5, 6].map(() => b.failed('m-1', '10.0.0.1'));
    expect(delays).toEqual([0, 0, 100, 200, 400, 800]);
    expect(b.check('m-1', '10.0.0.1')).toEqual({ locked: true, retryInMs: 60_000 });
    expect(b.check('m-2', '10.0.0.1')).toEqual({ locked: false }); // another meter, same address: under the address limit
    now.ms += 60_001;
    expect(b.check('m-1', '10.0.0.1')).toEqual({ locked: false });
    // failures are forgotten after the window
    now.ms += DEFAULT_LIMITS.auth.windowMs + 1;
    expect(b.failed('m-1', '10.0.0.1')).toBe(0);
  });

  it('counts failures per source address across meter ids (a scan of ids from one host)', () => {
    const b = new AuthBackoff(auth({ freeFailuresPerAddress: 3, lockoutAfterPerAddress: 5, baseDelayMs: 10 }), () => 0);
    const delays = ['a', 'b', 'c', 'd', 'e'].map((id) => b.failed(`m-${id}`, '10.0.0.9'));
    expect(delays).toEqual([0, 0, 0, 10, 20]);
    expect(b.check('m-new', '10.0.0.9').locked).toBe(true);
    expect(b.check('m-new', '10.0.0.10').locked).toBe(false);
  });
});

describe('auth against the real store over TCP', () => {
  let broker: Broker | undefined;
  const { clients, open } = closeAfterEach(() => broker, () => (broker = undefined));

  it('delays refusals, then refuses without hashing; the genuine meter with a cached token still gets in', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store, 'hh-1', 'm-1');
    const { a, calls } = countingAuth(store);
    const held: number[] = [];
    broker = await startTestBroker(new Inbox().onPublish, {
      auth: a,
      authLimits: auth({ freeFailuresPerMeter: 1, baseDelayMs: 50, lockoutAfterPerMeter: 4 }),
      delay: (ms, fn) => (held.push(ms), fn()), // record the hold instead of waiting it
      monotonic: () => 0,
    });
    await open('m-1', token); // verified once: now cached
    for (let i = 0; i < 4; i++) await expect(connect(broker, 'm-1', `wrong-${i}`)).rejects.toMatchObject({ code: CONNACK.BAD_USERNAME_OR_PASSWORD });
    expect(held).toEqual([0, 50, 100, 200]);
    const hashedBefore = calls.hashed;
    // Locked out: answered at once, no scrypt, "server unavailable" so a device retries later.
    await expect(connect(broker, 'm-1', 'wrong-again')).rejects.toMatchObject({ code: CONNACK.SERVER_UNAVAILABLE });
    expect(calls.hashed).toBe(hashedBefore);
    // The attacker cannot lock the real meter out: its token is recognised from the cache.
    await open('m-1', token);
    expect(broker.connectedCount()).toBe(1);
  });

  it('verifies a reconnecting meter from the cache; rotation and revocation invalidate it and close the old sessions', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store, 'hh-1', 'm-1');
    const { a, calls } = countingAuth(store);
    broker = await startTestBroker(new Inbox().onPublish, { auth: a });
    const closedOnChange: string[] = [];
    store.meters.onChange((id, change) => {
      closedOnChange.push(change);
      if (change !== 'provisioned') broker!.disconnectMeter(id);
    });
    for (let i = 0; i < 5; i++) await (await open('m-1', token)).endAsync();
    expect(calls).toEqual({ hashed: 1, cached: 4 });

    const live = await open('m-1', token);
    const gone = new Promise<void>((r) => live.once('close', () => r()));
    const rotated = store.meters.rotateToken('m-1');
    if ('error' in rotated) throw new Error(rotated.message);
    await gone; // the session opened with the old token is closed
    expect(store.meters.verifyCached('m-1', token)).toBeUndefined();
    await expect(connect(broker, 'm-1', token)).rejects.toMatchObject({ code: CONNACK.BAD_USERNAME_OR_PASSWORD });
    await open('m-1', rotated.token);
    store.meters.revoke('m-1');
    await expect(connect(broker, 'm-1', rotated.token)).rejects.toMatchObject({ code: CONNACK.NOT_AUTHORIZED });
    expect(closedOnChange).toEqual(['rotated', 'revoked']);
    expect(broker.connectedCount()).toBe(0);
  });

  it('never logs a token typed into the username field, nor any password', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store, 'hh-1', 'm-1');
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    broker = await startTestBroker(new Inbox().onPublish, { auth: { verify: (i, p) => store.meters.verifyAsync(i, p) }, logger });
    await expect(connect(broker, token, 'm-1')).rejects.toMatchObject({ code: CONNACK.BAD_USERNAME_OR_PASSWORD });
    await expect(connect(broker, 'm-1', 'a-wrong-password-123')).rejects.toMatchObject({ code: CONNACK.BAD_USERNAME_OR_PASSWORD });
    const log = lines.join('');
    expect(log).toMatch(/mqtt connect refused/);
    expect(log).not.toContain(token);
    expect(log).not.toContain('a-wrong-password-123');
    expect(log).toContain('"meterId":"m-1"'); // a known meter's id is worth logging
  });
});

/** A meter whose row still holds a hash of the scheme before issue 12.5 (scrypt). */
function legacyMeter(store: Store, token: string, meterId = 'm-1'): void {
  store.db.prepare('UPDATE meters SET token_hash = ? WHERE id = ?').run(hashTokenLegacy(token), meterId);
}

describe('verification in the store', () => {
  it('hashes a legacy scrypt verifier off the event loop: the loop keeps turning while 20 CONNECTs are verified', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store);
    legacyMeter(store, token);
    let turns = 0;
    let done = false;
    const spin = () => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    // Wrong tokens: never cached, so each one is a full scrypt. Hashed on the loop, all
    // 20 would be finished before the first turn.
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => store.meters.verifyAsync('m-1', `${token}x${i}`)));
    done = true;
    expect(verdicts.every((v) => v === 'bad-password')).toBe(true);
    expect(turns).toBeGreaterThan(0);
  });

  it('does not let a token rotated while its legacy hash was being checked in, nor upgrade it', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store);
    legacyMeter(store, token);
    const pending = store.meters.verifyAsync('m-1', token);
    store.meters.rotateToken('m-1');
    expect(await pending).toBe('bad-password');
    expect(store.meters.verifyCached('m-1', token)).toBeUndefined();
    await store.writes.barrier();
    expect(store.meters.upgradedVerifiers()).toBe(0);
  });

  it('answers an unknown meter like a wrong token, and a revoked one only to the holder of its token', async () => {
    const { store } = tempStore();
    const token = seedHousehold(store);
    expect(await store.meters.verifyAsync('m-nope', token)).toBe('unknown');
    store.meters.revoke('m-1');
    expect(await store.meters.verifyAsync('m-1', 'wrong')).toBe('bad-password');
    expect(await store.meters.verifyAsync('m-1', token)).toBe('revoked');
    expect(T0).toBeGreaterThan(0);
  });
});
