import { once } from 'node:events';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONNACK, type Broker } from '../../src/broker/index.ts';
import { Inbox, closedByBroker, connect, mapAuthenticator, startTestBroker, METERS } from './harness.ts';

describe('broker authentication', () => {
  let broker: Broker;
  let inbox: Inbox;
  const clients: MqttClient[] = [];
  const open = async (user: string, pass: string, clientId?: string) => {
    const c = await connect(broker, user, pass, clientId);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    inbox = new Inbox();
    broker = await startTestBroker(inbox.onPublish, { clock: () => 1_700_000_000_000 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker.close();
  });

  it('accepts good credentials and hands the publish to onPublish with the meter id and the clock', async () => {
    const c = await open('m-001', 'tok-001');
    await c.publishAsync('meters/m-001/reading', '{"ts":1,"totalLiters":2}', { qos: 1 });
    expect(await inbox.next()).toEqual({
      meterId: 'm-001',
      topic: 'meters/m-001/reading',
      payload: '{"ts":1,"totalLiters":2}',
      receivedAt: 1_700_000_000_000,
    });
  });

  it('takes the identity from the username, whatever the client id', async () => {
    const c = await open('m-002', 'tok-002', 'firmware-chose-this-id');
    await c.publishAsync('meters/m-002/status', '{}', { qos: 1 });
    expect((await inbox.next()).meterId).toBe('m-002');
  });

  it.each([
    ['wrong password', 'm-001', 'nope', CONNACK.BAD_USERNAME_OR_PASSWORD],
    ['unknown meter', 'm-999', 'tok-001', CONNACK.BAD_USERNAME_OR_PASSWORD],
    ['empty password', 'm-001', '', CONNACK.BAD_USERNAME_OR_PASSWORD],
    ['username that cannot be a meter id', 'm/001', 'tok-001', CONNACK.BAD_USERNAME_OR_PASSWORD],
    ['revoked meter', 'm-revoked', 'tok-r', CONNACK.NOT_AUTHORIZED],
  ])('refuses a %s with CONNACK %i', async (_case, user, pass, code) => {
    await expect(connect(broker, user, pass)).rejects.toMatchObject({ code });
    expect(broker.connectedCount()).toBe(0);
  });

  it('answers Server unavailable when the authenticator throws', async () => {
    await broker.close();
    broker = await startTestBroker(inbox.onPublish, {
      auth: { verify: () => { throw new Error('db locked'); } },
    });
    await expect(connect(broker, 'm-001', 'tok-001')).rejects.toMatchObject({ code: CONNACK.SERVER_UNAVAILABLE });
  });

  it('counts distinct connected meters and forgets them on disconnect', async () => {
    const a = await open('m-001', 'tok-001', 'a1');
    await open('m-001', 'tok-001', 'a2'); // same meter, second session
    await open('m-002', 'tok-002');
    expect(broker.connectedCount()).toBe(2);

    const gone = once(broker.aedes, 'clientDisconnect');
    await a.endAsync();
    await gone;
    expect(broker.connectedCount()).toBe(2); // m-001 still has session a2

    const kicked = once(broker.aedes, 'clientDisconnect');
    expect(broker.disconnectMeter('m-001')).toBe(1);
    await kicked;
    expect(broker.connectedCount()).toBe(1);
  });

  it('disconnectMeter ends the live session of a meter revoked after it connected', async () => {
    const meters = new Map(METERS);
    await broker.close();
    broker = await startTestBroker(inbox.onPublish, { auth: mapAuthenticator(meters) });
    const c = await open('m-001', 'tok-001');
    meters.set('m-001', { token: 'tok-001', revoked: true });
    const closed = closedByBroker(c);
    broker.disconnectMeter('m-001');
    await closed;
    await expect(connect(broker, 'm-001', 'tok-001')).rejects.toMatchObject({ code: CONNACK.NOT_AUTHORIZED });
  });
});
