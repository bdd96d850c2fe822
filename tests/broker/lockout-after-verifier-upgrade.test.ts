// Defect (mqtt.thread: "main"; the worker's own digest cache hides it): a meter whose row still held a legacy scrypt verifier connects, is
// verified and upgraded to the fast verifier — and from then on is NOT remembered as verified, so
// anyone who knows its id can lock the genuine meter out by failing 10 CONNECTs.
// Cause: src/store/meters.ts:134-135 remembers the token against the legacy hash (verified.remember),
// then the deferred upgrade replaces token_hash; verifyCached (src/store/meters.ts:141-148) then takes
// the fast branch, which requires verified.marked(meterId, newHash) — never set — so it answers
// undefined and src/broker/auth.ts:95-100 refuses with 'locked-out'.
// Correct: README "a token verified before still gets in during a lockout, so failing on purpose
// cannot lock the real meter out" (mark the new verifier on upgrade).
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { hashTokenLegacy } from '../../src/store/meter-token.ts';
import { startApp } from '../privacy/app-harness.ts';

describe('lockout after a legacy verifier was upgraded (mqtt.thread = main)', () => {
  it('still lets the genuine, already verified meter in', async () => {
    const h = await startApp({ mqtt: { port: 0, host: '127.0.0.1', thread: 'main' }, limits: { auth: { baseDelayMs: 0, maxDelayMs: 0, lockoutAfterPerAddress: 1_000_000, freeFailuresPerAddress: 100_000 } } });
    const { api, app, ports } = h;
    await api('POST', '/api/households', { id: 'hh-1', name: '王奶奶', address: '幸福路 3 号', gridId: 'g1' });
    await api('POST', '/api/households/hh-1/consent', { consentedBy: '女儿 李梅', scope: ['water-monitoring'] });
    const { token } = (await api('POST', '/api/meters', { meterId: 'm-1', householdId: 'hh-1' })).body;
    // A row from before issue 12.5.
    app.store.db.prepare('UPDATE meters SET token_hash = ? WHERE id = ?').run(hashTokenLegacy(token), 'm-1');

    const open = (pw: string, id: string) => mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqttPort}`, { username: 'm-1', password: pw, protocolVersion: 4, reconnectPeriod: 0, clientId: id });
    const first = await open(token, 'genuine'); // verified (scrypt) and upgraded
    await first.endAsync();
    await app.store.writes.barrier();
    expect(app.store.meters.upgradedVerifiers()).toBe(1);

    // Someone who knows the id fails on purpose until the id is locked out.
    for (let i = 0; i < 10; i++) await expect(open(`wrong-token-${i}`, `x${i}`)).rejects.toMatchObject({ code: 4 });
    await expect(open('wrong-token-again', 'y')).rejects.toMatchObject({ code: 3 });

    // The genuine meter, verified a moment ago, must still get in.
    const again = await open(token, 'genuine');
    expect(again.connected).toBe(true);
    await again.endAsync();
  });
});
