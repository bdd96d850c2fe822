// Shared test rig: a real aedes broker on an ephemeral TCP port, real mqtt.js
// clients, and a Map-backed MeterAuthenticator. Waits are on events, never on
// wall-clock sleeps.
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach } from 'vitest';
import { startBroker, type Broker, type BrokerOptions, type MeterAuthenticator, type OnPublish } from '../../src/broker/index.ts';

export interface Credential {
  token: string;
  revoked?: boolean;
}

export function mapAuthenticator(meters: Map<string, Credential>): MeterAuthenticator {
  return {
    verify(meterId, password) {
      const m = meters.get(meterId);
      if (!m) return 'unknown';
      if (m.token !== password) return 'bad-password';
      return m.revoked ? 'revoked' : 'ok';
    },
  };
}

export interface Received {
  meterId: string;
  topic: string;
  payload: string;
  receivedAt: number;
}

/** Collects onPublish calls; `next()` resolves on the next one (or one already queued). */
export class Inbox {
  readonly all: Received[] = [];
  #read = 0;
  #waiters: Array<() => void> = [];

  readonly onPublish: OnPublish = (meterId, topic, payload, receivedAt) => {
    this.all.push({ meterId, topic, payload: payload.toString('utf8'), receivedAt });
    for (const w of this.#waiters.splice(0)) w();
  };

  async next(): Promise<Received> {
    while (this.#read >= this.all.length) await new Promise<void>((r) => this.#waiters.push(r));
    return this.all[this.#read++]!;
  }
}

export const METERS = new Map<string, Credential>([
  ['m-001', { token: 'tok-001' }],
  ['m-002', { token: 'tok-002' }],
  ['m-revoked', { token: 'tok-r', revoked: true }],
]);

export async function startTestBroker(
  onPublish: OnPublish,
  extra: Partial<Omit<BrokerOptions, 'onPublish' | 'auth'>> & { auth?: MeterAuthenticator } = {},
): Promise<Broker> {
  return startBroker({ port: 0, host: '127.0.0.1', ...extra, auth: extra.auth ?? mapAuthenticator(METERS), onPublish });
}

export function connect(broker: Broker, username: string, password: string, clientId?: string): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
    username,
    password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    ...(clientId !== undefined && { clientId }),
  });
}

/** Resolves when the broker drops this client's connection. */
export async function closedByBroker(client: MqttClient): Promise<void> {
  if (!client.connected && client.disconnected) return;
  await new Promise<void>((resolve) => client.once('close', () => resolve()));
}

/**
 * Per test: the broker the test started (read through `current`, reset through `reset`) and the
 * clients it opened are closed after each test; `open` connects and tracks a client.
 */
export function closeAfterEach(current: () => Broker | undefined, reset: () => void) {
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await current()?.close();
    reset();
  });
  const open = async (user: string, pass: string): Promise<MqttClient> => {
    const c = await connect(current()!, user, pass);
    clients.push(c);
    return c;
  };
  return { clients, open };
}
