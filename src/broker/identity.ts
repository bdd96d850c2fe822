// Who is behind a connection. The MQTT client id is chosen by the device and
// proves nothing; the username that passed `authenticate` is the identity
// (README "Wire contract"). Keyed weakly so a closed client is collected with
// its entry.
import type { AedesOptions, Client } from 'aedes';

export class Identities {
  readonly #byClient = new WeakMap<Client, string>();

  bind(client: Client, meterId: string): void {
    this.#byClient.set(client, meterId);
  }

  /** The authenticated meter id, or undefined for a client that never authenticated. */
  of(client: Client | null): string | undefined {
    return client ? this.#byClient.get(client) : undefined;
  }
}

/**
 * preConnect hook: scope the device's client id by its claimed username.
 * aedes keys sessions by client id and, per [MQTT-3.1.4-2], closes an existing
 * session when a new CONNECT reuses its id, so without this a meter with valid
 * credentials could knock any other meter offline by borrowing its client id.
 * Any client id is still accepted; the username is verified in `authenticate`
 * right after, so only that meter can ever hold a session under its prefix.
 * An empty id is left alone: aedes then assigns a unique one.
 */
export const scopeClientId: NonNullable<AedesOptions['preConnect']> = (_client, packet, done) => {
  if (packet.username !== undefined && packet.clientId.length > 0) {
    packet.clientId = `${packet.username}/${packet.clientId}`;
  }
  done(null, true);
};

/** aedes enforces MQTT 3.1's 23-character client id cap on v3 clients; leave room for the scope. */
export const SCOPED_CLIENT_ID_MAX = 23 + 1 + 64;
