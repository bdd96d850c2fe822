// Which meters are connected right now: feeds the `anxin_meters_connected`
// gauge and lets the app drop a meter's live sessions when it is revoked.
import type { Client } from 'aedes';

export class Connections {
  // A meter may briefly hold two sessions (different client ids, or a
  // reconnect racing the old socket's close), so count clients per meter.
  readonly #byMeter = new Map<string, Set<Client>>();

  added(meterId: string, client: Client): void {
    let clients = this.#byMeter.get(meterId);
    if (!clients) this.#byMeter.set(meterId, (clients = new Set()));
    clients.add(client);
  }

  removed(meterId: string, client: Client): void {
    const clients = this.#byMeter.get(meterId);
    if (!clients) return;
    clients.delete(client);
    if (clients.size === 0) this.#byMeter.delete(meterId);
  }

  /** Distinct meters with at least one open session. */
  count(): number {
    return this.#byMeter.size;
  }

  clientsOf(meterId: string): Client[] {
    return [...(this.#byMeter.get(meterId) ?? [])];
  }
}
