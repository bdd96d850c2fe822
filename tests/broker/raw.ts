// Raw TCP peers for the limit tests: they speak bytes, not a polite MQTT client.
import net from 'node:net';

export function rawSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves when the server closes (or resets) the socket. */
export function closed(s: net.Socket): Promise<void> {
  if (s.destroyed) return Promise.resolve();
  s.on('error', () => {}); // a reset is a close too
  if (s.listenerCount('data') === 0) s.resume(); // a paused socket never reads the FIN
  return new Promise((resolve) => s.once('close', () => resolve()));
}

/** A CONNECT written byte by byte (MQTT 3.1.1 §3.1), so the test owns every field. */
export function connectPacket(o: { username?: string; password?: string; keepalive?: number; clientId?: string }): Buffer {
  const str = (v: string) => {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  // flags: clean session (bit 1), username (bit 7), password (bit 6)
  const flags = 0x02 | (o.username !== undefined ? 0x80 : 0) | (o.password !== undefined ? 0x40 : 0);
  const keepalive = o.keepalive ?? 60;
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, flags, keepalive >> 8, keepalive & 0xff]),
    str(o.clientId ?? ''),
    ...(o.username !== undefined ? [str(o.username)] : []),
    ...(o.password !== undefined ? [str(o.password)] : []),
  ]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** MQTT remaining-length varint (§2.2.3). */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/**
 * Streams zeros until the server closes the socket or `max` bytes were written;
 * returns how many were written.
 */
export async function streamUntilClosed(s: net.Socket, max: number, chunk = 64 * 1024): Promise<number> {
  const zeros = Buffer.alloc(chunk);
  let written = 0;
  let gone = false;
  const end = closed(s).then(() => void (gone = true));
  while (!gone && written < max) {
    const ok = s.write(zeros);
    written += chunk;
    if (!ok) await Promise.race([new Promise<void>((r) => s.once('drain', r)), end]);
  }
  await closed(s);
  return written;
}
