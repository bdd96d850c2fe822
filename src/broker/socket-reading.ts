// Stop and restart reading a socket's file descriptor, for admission control (backpressure.ts).
//
// Why not `socket.pause()`: aedes reads in paused mode ('readable' + read(null)), where pause()
// changes nothing, and returning null from `read` alone does not stop Node from reading the fd:
// it goes on reading into the socket's buffer until that holds its highWaterMark (16 KiB). A
// meter that floods with QoS 0 sends a few hundred bytes per second once paused, so its buffer
// takes tens of seconds to fill, and all that while every event-loop turn polled and read every
// paused socket: at 10,000 paused meters one turn took about a second, and since the group
// commit writes one batch per turn, Anxin's QoS 0 maximum fell to ~2,000 readings/s
// (bench/load, 2026-12-02). Stopping the handle's reads is what Node itself does when a
// buffer is full (lib/net.js onStreamRead: `handle.reading = false; handle.readStop()`), and
// restarting it is its `tryReadStart`; the kernel's buffer then fills and TCP flow control
// slows the meter.
//
// These use the socket's handle (`_handle.readStart/readStop`, stable across Node releases,
// TCP and TLS alike). A socket without such a handle (closed, or not a real connection) is
// left to the read gate alone, as before.
import type { Socket } from 'node:net';

interface ReadHandle {
  reading?: boolean;
  readStart?: () => number;
  readStop?: () => number;
}

const handleOf = (socket: Socket): ReadHandle | undefined => {
  const h = (socket as unknown as { _handle?: ReadHandle | null })._handle;
  return h && typeof h.readStart === 'function' && typeof h.readStop === 'function' ? h : undefined;
};

/** The fd is no longer read (bytes already buffered stay readable). True if it was stopped. */
export function stopReading(socket: Socket): boolean {
  const h = handleOf(socket);
  if (!h || socket.destroyed) return false;
  if (h.reading) {
    h.reading = false;
    h.readStop!();
  }
  return true;
}

/**
 * The fd is read again. Always restarts the handle: Node may have called `_read` before the
 * stop (its `state.reading` is then still true and it would never call `_read` again), so the
 * stream cannot be relied on to restart it.
 */
export function startReading(socket: Socket): void {
  const h = handleOf(socket);
  if (!h || socket.destroyed || h.reading) return;
  h.reading = true;
  // An error here (the peer already ended the stream) is the stream's own to report; the socket
  // is then simply not read, as Node leaves it.
  if (h.readStart!() !== 0) h.reading = false;
}
