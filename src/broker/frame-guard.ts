// Packet size limit, enforced on the raw byte stream before aedes' parser buffers a body.
// aedes 1.x has no option for it: mqtt-packet reads the fixed header's remaining length
// and then waits, buffering, until that many bytes have arrived — 256 MB if a peer says so
// (issue 11: three unauthenticated CONNECTs declaring 256 MB grew the process by 337 MiB).
// This scanner follows MQTT framing itself (MQTT 3.1.1 §2.2: one byte of type and flags,
// then the remaining length as 1–4 bytes of 7-bit groups, least significant first) and
// only does arithmetic on the body, so it costs nothing per byte.
import type { Socket } from 'node:net';

export type FrameVerdict = { ok: true } | { ok: false; reason: 'too-large' | 'malformed'; declared?: number; type?: number };

export class FrameScanner {
  #inBody = 0; // body bytes still to skip
  #inLength = false;
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #type = 0;
  #packets = 0;

  constructor(
    readonly maxPacketBytes: number,
    /** The first packet is CONNECT [MQTT-3.1.0-1], sent before authentication: held to less. */
    readonly maxFirstPacketBytes: number,
  ) {}

  /** Packets whose header has been read so far. */
  get packets(): number {
    return this.#packets;
  }

  feed(buf: Uint8Array): FrameVerdict {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (this.#inBody > 0) {
        const skip = Math.min(this.#inBody, n - i);
        this.#inBody -= skip;
        i += skip;
        continue;
      }
      const byte = buf[i++]!;
      if (!this.#inLength) {
        this.#type = byte >> 4;
        this.#inLength = true;
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes++;
      if (byte & 0x80) {
        // §2.2.3: at most four bytes; a fifth continuation is malformed.
        if (this.#lengthBytes >= 4) return { ok: false, reason: 'malformed' };
        continue;
      }
      const limit = this.#packets === 0 ? this.maxFirstPacketBytes : this.maxPacketBytes;
      this.#packets++;
      this.#inLength = false;
      if (this.#length > limit) return { ok: false, reason: 'too-large', declared: this.#length, type: this.#type };
      this.#inBody = this.#length;
    }
    return { ok: true };
  }
}

/**
 * Puts a scanner in front of aedes on one socket. aedes reads with `conn.read(null)` on
 * 'readable' (lib/client.js nextBatch), so wrapping `read` sees every byte before the
 * parser does; on a violation the socket is destroyed and the parser gets nothing.
 * Node buffers at most the socket's highWaterMark (16 KiB) ahead of this.
 */
export function guardSocket(socket: Socket, scanner: FrameScanner, onViolation: (v: Exclude<FrameVerdict, { ok: true }>) => void): void {
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    if (socket.destroyed) return null;
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null || typeof chunk === 'string') return chunk;
    const verdict = scanner.feed(chunk);
    if (verdict.ok) return chunk;
    onViolation(verdict);
    socket.destroy();
    return null;
  };
}
