// Who may hold a socket open: a cap on sockets that have not authenticated yet (they cost
// memory and, before the cache, a hash each) and on sockets per source address. A refused
// socket is destroyed at once, before aedes sees a byte; the peer reconnects later.
import type { Socket } from 'node:net';

export type AdmissionRefusal = 'unauthenticated-cap' | 'address-cap';

export class Admission {
  readonly #pending = new Set<Socket>();
  readonly #perAddress = new Map<string, number>();

  constructor(readonly limits: { maxUnauthenticated: number; maxConnectionsPerAddress: number }) {}

  /** Admits `socket` or says why not; an admitted socket is released when it closes. */
  admit(socket: Socket): AdmissionRefusal | null {
    const address = socket.remoteAddress ?? '?';
    const open = this.#perAddress.get(address) ?? 0;
    if (open >= this.limits.maxConnectionsPerAddress) return 'address-cap';
    if (this.#pending.size >= this.limits.maxUnauthenticated) return 'unauthenticated-cap';
    this.#perAddress.set(address, open + 1);
    this.#pending.add(socket);
    socket.once('close', () => {
      this.#pending.delete(socket);
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.#perAddress.delete(address);
      else this.#perAddress.set(address, left);
    });
    return null;
  }

  /** The socket's meter authenticated: it no longer counts against the unauthenticated cap. */
  authenticated(socket: Socket): void {
    this.#pending.delete(socket);
  }

  get unauthenticated(): number {
    return this.#pending.size;
  }
}
