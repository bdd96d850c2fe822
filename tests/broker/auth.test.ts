import { once } from 'node:events';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CONNACK, startBroker, type Broker } from '../../src/broker/index.ts';
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

  it('does not let a meter knock another offline by reusing its client id [MQTT-3.1.4-2]', async () => {
    const victim = await open('m-002', 'tok-002', 'm-002');
    await open('m-001', 'tok-001', 'm-002');
    // A takeover would have closed the victim's session before the second CONNACK.
    expect(broker.connectedCount()).toBe(2);
    await victim.publishAsync('meters/m-002/status', '{}', { qos: 1 });
    expect((await inbox.next()).meterId).toBe('m-002');
  });

  it('still lets a meter replace its own stale session', async () => {
    const stale = await open('m-001', 'tok-001', 'fw-1');
    const kicked = closedByBroker(stale);
    await open('m-001', 'tok-001', 'fw-1');
    await kicked;
    expect(broker.connectedCount()).toBe(1);
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

describe('broker refusal logs', () => {
  it('name the meter and never carry the password', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const broker = await startBroker({ port: 0, host: '127.0.0.1', auth: mapAuthenticator(METERS), onPublish: () => {}, logger });
    try {
      await expect(connect(broker, 'm-001', 'secret-guess-123')).rejects.toMatchObject({ code: CONNACK.BAD_USERNAME_OR_PASSWORD });
      const refusal = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'mqtt connect refused');
      expect(refusal).toMatchObject({ meterId: 'm-001', refusal: 'bad-password' });
      expect(lines.join('\n')).not.toContain('secret-guess-123');
    } finally {
      await broker.close();
    }
  });
});
