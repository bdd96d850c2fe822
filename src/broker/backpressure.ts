// Admission control (issue 12.3): the pipeline behind the broker is bounded. Its depth is
// the payload bytes the broker has handed to ingest and not yet seen settle (parsed,
// processed, committed: what the PUBACK waits for), plus the readings the service reports
// as queued. Over the high-water mark the busiest sockets stop being read; at the low-water
// mark they are read again, longest-paused first. Nothing is dropped or acknowledged early:
// a paused socket's bytes stay in its kernel buffer and TCP flow control slows the meter.
//
// Why a gate on `socket.read` and not `socket.pause()`: aedes reads in paused mode
// (`conn.on('readable')` + `conn.read(null)`, lib/client.js nextBatch), where pause() has no
// effect, and aedes' own client.pause() loses the batch count if a packet completes while
// paused. Returning null from read leaves the bytes in Node's buffer, and the paused socket's
// fd is not read either (socket-reading.ts: otherwise Node reads it until its buffer is full,
// polling every paused socket each turn): the kernel window closes and the peer's writes block.
//
// Fairness: only a socket that has sent at least its fair share recently (a decaying byte
// count, half-life `halfLifeMs`, against the mean over all sockets) is paused at the
// high-water mark, so a meter sending its one reading a minute goes on while a flood is held.
// Past the ceiling (twice the high-water mark) any socket that publishes is paused: the
// heavy ones already are, and memory must stay bounded whoever sends.
//
// One publish in flight is not a flood (issue 12): a QoS 1 meter that waits for its PUBACK
// never has more, and aedes reads nothing more from its socket until that publish settles.
// At the QoS 1 maximum (10,000 meters, one publish each in flight) the readings waiting were
// up to 10,000, twice the high-water mark: every socket was paused and resumed about once a
// second, and the reading-to-detector p99 was ~1 s (95 ms with this rule). So a socket
// with a single publish unsettled is not paused for its share, and the ceiling in readings is
// at least the high-water mark plus one per connected socket: the pipeline may hold one
// publish of every meter. Past that, or past twice the bytes mark, everyone is paused as before.
import type { Socket } from 'node:net';
import { z } from 'zod';
import { startReading, stopReading } from './socket-reading.ts';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const BackpressureSchema = z
  .strictObject({
    /** Off: nothing is ever paused (the queue is then bounded only by sockets × one read each). */
    enabled: z.boolean().default(true),
    /** Readings parsed and not yet processed and committed: pause the busiest sockets above this… */
    highReadings: int(1, 10_000_000).default(5_000),
    /** …and read them again once it is down to this (and the bytes too). */
    lowReadings: int(0, 10_000_000).default(2_000),
    /** Payload bytes accepted and not yet settled (a deferred 5,000-reading batch is ~215–500 KB). */
    highBytes: int(1024, 1 << 30).default(8 * 1024 * 1024),
    lowBytes: int(0, 1 << 30).default(2 * 1024 * 1024),
    /** How quickly "recent" load is forgotten when picking the busiest sockets. */
    halfLifeMs: int(10, 600_000).default(1_000),
  })
  .refine((b) => b.lowReadings < b.highReadings && b.lowBytes < b.highBytes, { message: 'each low-water mark must be below its high-water mark' });

export type BackpressureLimits = z.output<typeof BackpressureSchema>;

/** The smallest a reading gets on the wire (epoch-ms `ts` in a batch, src/broker/limits.ts). */
const MIN_READING_BYTES = 40;

export interface Depth {
  readings: number;
  bytes: number;
}

export interface BackpressureEvents {
  paused?(why: 'over-share' | 'ceiling'): void;
  resumed?(): void;
}

interface Peer {
  socket: Socket;
  inflightBytes: number;
  /** Publishes admitted and not yet settled. */
  inflight: number;
  /** Bytes admitted, decayed with `halfLifeMs`, as of `at`. */
  recent: number;
  at: number;
  paused: boolean;
}

export class Backpressure {
  readonly #peers = new Map<Socket, Peer>();
  /** Paused sockets in the order they were paused (resumed from the front). */
  readonly #paused = new Set<Peer>();
  #bytes = 0;
  /** Sum of every peer's `recent`, decayed the same way, as of `#at`. */
  #recent = 0;
  #at: number;
  #pauses = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly limits: BackpressureLimits,
    /** Readings the service holds that are not processed and committed yet. */
    readonly queuedReadings: () => number,
    readonly now: () => number,
    readonly events: BackpressureEvents = {},
  ) {
    this.#at = now();
  }

  /** Puts the gate in front of aedes on `socket` (after the frame guard: both wrap `read`). */
  attach(socket: Socket): void {
    const peer: Peer = { socket, inflightBytes: 0, inflight: 0, recent: 0, at: this.now(), paused: false };
    this.#peers.set(socket, peer);
    const read = socket.read.bind(socket);
    // Checked before each read too, not only after a publish: over the mark, a busy socket's
    // next chunk (many publishes at once) stays unread instead of overshooting the mark.
    socket.read = (size?: number) => {
      if (!peer.paused && peer.recent > 0) this.check(socket);
      return peer.paused ? null : read(size);
    };
    socket.once('close', () => {
      this.#peers.delete(socket);
      this.#bytes -= peer.inflightBytes;
      this.#recent = Math.max(0, this.#decayed() - this.#decay(peer));
      peer.inflightBytes = 0;
      if (this.#paused.delete(peer)) this.events.resumed?.();
      this.#maybeResume();
    });
  }

  /** A publish of `bytes` from `socket` was handed to ingest. */
  admitted(socket: Socket, bytes: number): void {
    const peer = this.#peers.get(socket);
    if (!peer) return;
    const t = this.now();
    this.#recent = this.#decayed(t) + bytes;
    peer.recent = this.#decay(peer, t) + bytes;
    peer.inflightBytes += bytes;
    peer.inflight++;
    this.#bytes += bytes;
  }

  /** After ingest took the publish in (its readings are counted by then): pause this socket? */
  check(socket: Socket): void {
    const peer = this.#peers.get(socket);
    if (!peer || peer.paused || !this.limits.enabled) return;
    const d = this.depth();
    const over = d.readings > this.limits.highReadings || d.bytes > this.limits.highBytes;
    if (!over) return;
    const ceiling = d.readings > this.ceilingReadings || d.bytes > 2 * this.limits.highBytes;
    const fairShare = this.#decayed() / Math.max(1, this.#peers.size);
    if (ceiling) this.#pause(peer, 'ceiling');
    else if (peer.inflight > 1 && this.#decay(peer) >= fairShare) this.#pause(peer, 'over-share');
  }

  /** The publish settled (processed and committed, or failed): its bytes leave the queue. */
  settled(socket: Socket, bytes: number): void {
    const peer = this.#peers.get(socket);
    if (!peer) return; // closed: its bytes left the queue then
    peer.inflightBytes -= bytes;
    peer.inflight--;
    this.#bytes -= bytes;
    this.#maybeResume();
  }

  /** Past this many readings waiting any publishing socket is paused: twice the mark, or the mark plus one per socket. */
  get ceilingReadings(): number {
    return Math.max(2 * this.limits.highReadings, this.limits.highReadings + this.#peers.size);
  }

  depth(): Depth {
    return { readings: this.queuedReadings(), bytes: this.#bytes };
  }

  get pausedCount(): number {
    return this.#paused.size;
  }

  /** Pauses since start (a socket paused twice counts twice). */
  get pauses(): number {
    return this.#pauses;
  }

  isPaused(socket: Socket): boolean {
    return this.#peers.get(socket)?.paused ?? false;
  }

  /** Re-checks the low-water mark (the service calls it when its queue drains without a publish settling). */
  poll(): void {
    this.#maybeResume();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer), (this.#timer = undefined);
  }

  #pause(peer: Peer, why: 'over-share' | 'ceiling'): void {
    peer.paused = true;
    // Not only unread by aedes: the fd is not read at all (socket-reading.ts says why).
    stopReading(peer.socket);
    this.#paused.add(peer);
    this.#pauses++;
    this.events.paused?.(why);
    this.#arm();
  }

  /**
   * Under the low-water mark, resume paused sockets, longest-paused first, while what they
   * may bring at once (what Node already buffered for them, at least one highWaterMark)
   * still fits under the high-water mark: thousands resumed together would overshoot it.
   * The rest follow as later publishes settle (at least one socket per pass).
   */
  #maybeResume(): void {
    if (this.#paused.size === 0) return;
    const d = this.depth();
    if (d.readings > this.limits.lowReadings || d.bytes > this.limits.lowBytes) return this.#arm();
    // Room in bytes, and in readings counted as the fewest bytes a reading can take on the
    // wire (about 40 in a batch): resuming is paced by whichever is tighter.
    let room = Math.min(this.limits.highBytes - d.bytes, (this.limits.highReadings - d.readings) * MIN_READING_BYTES);
    let first = true;
    for (const peer of this.#paused) {
      const brings = Math.max(peer.socket.readableLength, peer.socket.readableHighWaterMark);
      if (!first && room < brings) break;
      first = false;
      room -= brings;
      this.#resume(peer);
    }
    this.#arm();
  }

  #resume(peer: Peer): void {
    peer.paused = false;
    this.#paused.delete(peer);
    this.events.resumed?.();
    startReading(peer.socket);
    // aedes waits for 'readable' (it got null last time); bytes already buffered would never
    // announce themselves again, so tell it. An extra 'readable' while a batch is in flight
    // only lets aedes read a little earlier, as new data arriving does anyway. In a turn of
    // its own: this runs inside a publish's completion, before its PUBACK is written.
    setImmediate(() => {
      if (!peer.paused && !peer.socket.destroyed) peer.socket.emit('readable');
    });
  }

  /**
   * A fallback while anything is paused: publishes settling drive resumption, but readings
   * can also drain with no publish left to settle (e.g. a slice finishing later).
   */
  #arm(): void {
    if (this.#timer || this.#paused.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#maybeResume();
    }, 25);
    this.#timer.unref();
  }

  #decay(peer: Peer, t = this.now()): number {
    peer.recent *= 0.5 ** (Math.max(0, t - peer.at) / this.limits.halfLifeMs);
    peer.at = t;
    return peer.recent;
  }

  #decayed(t = this.now()): number {
    this.#recent *= 0.5 ** (Math.max(0, t - this.#at) / this.limits.halfLifeMs);
    this.#at = t;
    return this.#recent;
  }
}
