// Raw TCP peers for the limit tests: they speak bytes, not a polite MQTT client.
import net from 'node:net';
import mqttPacket from 'mqtt-packet';

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

export function connectPacket(o: { username?: string; password?: string; keepalive?: number; clientId?: string }): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: o.clientId ?? '',
    keepalive: o.keepalive ?? 60,
    ...(o.username !== undefined && { username: o.username }),
    ...(o.password !== undefined && { password: Buffer.from(o.password) }),
  });
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

/** Parses what the server sends back (CONNACK, PUBACK…). */
export function packetsFrom(s: net.Socket): mqttPacket.Packet[] {
  const got: mqttPacket.Packet[] = [];
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  parser.on('packet', (p) => got.push(p));
  s.on('data', (d) => parser.parse(d));
  return got;
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
