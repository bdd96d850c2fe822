// Pacing of new sockets (issue 12.5): a reconnect storm must not overflow the kernel's listen
// queue. When the queue (the listen backlog) is full, Linux drops the handshake's last ACK and
// the meter waits for a SYN-ACK retransmission: 1 s, then 3 s, 7 s… — that, not the CPU, is
// what made 10,000 reconnects take 38 s. Node accepts every queued connection in one go, and
// each one handed to aedes at once costs its client set-up, then its CONNECT (parse, auth,
// CONNACK) in the next poll phase: thousands of them stop the loop for a second, during which
// nothing is accepted and the kernel queue overflows again.
// So the listeners accept with `pauseOnConnect` (a paused socket is cheap: no read, nothing
// parsed) and this queue hands sockets to aedes a few milliseconds' worth per event-loop turn.
// The kernel queue is emptied every turn; the meters wait in user space, on an established
// connection, for milliseconds instead of retransmission timeouts; HTTP, ingest and the
// accept loop keep turning. The admission caps (admission.ts) still apply from the moment of
// accept: a queued socket counts as unauthenticated.
// How many per turn: handing a socket over is cheap, its CONNECT (next poll phase) is not, so
// the count adapts to the length of the turns it causes (additive increase, halving when a
// turn ran past `targetTurnMs`) instead of trusting a time budget that would not see that cost.
import type { Socket } from 'node:net';

export class AcceptQueue {
  #queue: { socket: Socket; at: number }[] = [];
  #head = 0;
  #armed = false;
  #longestWait = 0;
  #perTurn = 32;
  /** Start of the previous drain while sockets were waiting (a turn's length is measured from it). */
  #lastDrain: number | undefined;

  constructor(
    readonly hand: (socket: Socket) => void,
    /** A turn (drain to drain, poll phase included) should not last longer than this. */
    readonly targetTurnMs: number,
    readonly now: () => number = () => performance.now(),
  ) {}

  /** Sockets handed per turn at present (adapts between 4 and 1024). */
  get perTurn(): number {
    return this.#perTurn;
  }

  push(socket: Socket): void {
    this.#queue.push({ socket, at: this.now() });
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(this.#drain);
  }

  get length(): number {
    return this.#queue.length - this.#head;
  }

  /** The longest a socket waited here since the last call (ms), for the bench and /metrics. */
  takeLongestWait(): number {
    const w = this.#longestWait;
    this.#longestWait = 0;
    return w;
  }

  readonly #drain = () => {
    this.#armed = false;
    const start = this.now();
    if (this.#lastDrain !== undefined) {
      const turn = start - this.#lastDrain;
      this.#perTurn = turn > this.targetTurnMs ? Math.max(4, this.#perTurn >> 1) : Math.min(1024, this.#perTurn + 8);
    }
    const end = start + this.targetTurnMs / 2;
    let handed = 0;
    while (this.#head < this.#queue.length && handed < this.#perTurn) {
      const { socket, at } = this.#queue[this.#head++]!;
      if (socket.destroyed) continue; // the peer gave up, or the broker is closing
      this.#longestWait = Math.max(this.#longestWait, start - at);
      handed++;
      try {
        this.hand(socket);
      } catch {
        socket.destroy(); // never leave a socket half set up
      }
      if (this.now() >= end) break;
    }
    if (this.#head >= this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
      this.#lastDrain = undefined; // idle: the next gap is not a turn's length
      return;
    }
    if (this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#lastDrain = start;
    this.#armed = true;
    setImmediate(this.#drain);
  };
}
