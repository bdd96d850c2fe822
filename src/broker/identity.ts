// Who is behind a connection. The MQTT client id is chosen by the device and
// proves nothing; the username that passed `authenticate` is the identity
// (README "Wire contract"). Keyed weakly so a closed client is collected with
// its entry.
import type { Client } from 'aedes';

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
