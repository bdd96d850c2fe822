// Regression (a bug hunt found it; fixed): closing a session because its token was rotated (or at any server-side close) makes aedes
// publish the client's Last Will, and that will goes through authorizePublish, i.e. through ingest:
// a reading chosen by whoever held the old token is processed and stored *after* the rotation.
// Cause: src/broker/broker.ts:330-333 (disconnectMeter → client.close(), not a graceful close, so
// aedes lib/client.js:365-370 runs authorizePublish on the will) and src/broker/broker.ts:178-195
// (authorizePublish ingests every publish of an identified meter, wills included).
// Correct: README "token rotation / revocation: closes every session opened with the old token";
// nothing from a session closed for a rotated-out token is kept (drop the will, or refuse wills).
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startApp, until } from '../privacy/app-harness.ts';

describe('rotation closes the old session', () => {
  it('does not ingest the old session\'s will after the rotation', async () => {
    const h = await startApp();
    const { api, app, ports, clock } = h;
    await api('POST', '/api/households', { id: 'hh-1', name: '王奶奶', address: '幸福路 3 号', gridId: 'g1' });
    await api('POST', '/api/households/hh-1/consent', { consentedBy: '女儿 李梅', scope: ['water-monitoring'] });
    const { token: leaked } = (await api('POST', '/api/meters', { meterId: 'm-1', householdId: 'hh-1' })).body;

    // Whoever holds the (leaked) token connects with a forged reading as its will.
    const forged = JSON.stringify({ ts: clock.now, totalLiters: 4242 });
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqttPort}`, {
      username: 'm-1', password: leaked, protocolVersion: 4, reconnectPeriod: 0, clientId: 'm-1-x',
      will: { topic: 'meters/m-1/reading', payload: Buffer.from(forged), qos: 1, retain: false },
    });
    let closed = false;
    c.on('close', () => (closed = true));

    const rot = await api('POST', '/api/meters/m-1/rotate');
    expect(rot.status).toBe(200);
    await until(() => closed);
    // Give the close's aftermath a bounded number of turns to reach the store.
    for (let i = 0; i < 200 && !app.store.readings.between('m-1', 0, clock.now + 1).length; i++) await new Promise((r) => setImmediate(r));
    await app.store.writes.barrier();

    expect(app.store.readings.between('m-1', 0, clock.now + 1).map((r) => r.totalLiters), 'a reading from the rotated-out session was kept').toEqual([]);
    c.end(true);
  });
});
