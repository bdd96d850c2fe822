// A paused socket's file descriptor is not read at all (src/broker/socket-reading.ts): on real
// loopback TCP, bytes a paused meter sends stay in the kernel, while an unpaused socket given
// the same bytes reads them; once resumed, the paused socket gets every byte, in order.
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { Backpressure, BackpressureSchema } from '../../src/broker/backpressure.ts';
import { startReading, stopReading } from '../../src/broker/socket-reading.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

/** Two connected loopback pairs: [client, server] each. */
async function pairs(n: number): Promise<[net.Socket, net.Socket][]> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const accepted: net.Socket[] = [];
  server.on('connection', (s) => accepted.push(s));
  const out: [net.Socket, net.Socket][] = [];
  for (let i = 0; i < n; i++) {
    const c = net.connect(port, '127.0.0.1');
    await once(c, 'connect');
    while (accepted.length <= i) await once(server, 'connection');
    out.push([c, accepted[i]!]);
  }
  cleanup.push(() => {
    for (const [c, s] of out) c.destroy(), s.destroy();
    server.close();
  });
  return out;
}

/** Reads a socket the way aedes does (paused mode: 'readable' + read()) until `bytes` arrived. */
function drain(s: net.Socket, bytes: number): Promise<Buffer> {
  const got: Buffer[] = [];
  let n = 0;
  return new Promise((resolve) => {
    const onReadable = () => {
      let b: Buffer | null;
      while ((b = s.read() as Buffer | null)) got.push(b), (n += b.length);
      if (n >= bytes) s.off('readable', onReadable), resolve(Buffer.concat(got));
    };
    s.on('readable', onReadable);
    onReadable();
  });
}

const turns = async (k: number) => {
  for (let i = 0; i < k; i++) await new Promise((r) => setImmediate(r));
};

describe('a paused socket is not read from the kernel', () => {
  it('the paused socket reads nothing while an unpaused one reads the same bytes; resumed, it gets them all in order', async () => {
    const [[c1, paused], [c2, control]] = (await pairs(2)) as [[net.Socket, net.Socket], [net.Socket, net.Socket]];
    let queued = 0;
    const bp = new Backpressure(BackpressureSchema.parse({ highReadings: 10, lowReadings: 2 }), () => queued, () => 0);
    bp.attach(paused);
    bp.attach(control);
    // Over the ceiling: the next publisher is paused.
    queued = 100;
    bp.admitted(paused, 100);
    bp.check(paused);
    expect(bp.isPaused(paused)).toBe(true);
    const before = paused.bytesRead;

    const data = Buffer.alloc(8 * 1024, 7); // under the socket's 16 KiB highWaterMark: Node alone would read it all
    data.write('first');
    c1.write(data);
    c2.write(data);
    const controlRead = await drain(control, data.length);
    expect(controlRead.equals(data)).toBe(true);
    await turns(5);
    expect(paused.bytesRead).toBe(before);
    expect(paused.readableLength).toBe(0);

    // Drained under the low-water mark: resumed, and the bytes come through.
    const got = drain(paused, data.length);
    queued = 0;
    bp.settled(paused, 100);
    expect(bp.isPaused(paused)).toBe(false);
    expect((await got).equals(data)).toBe(true);
  });

  it('stop and start are idempotent, and do nothing to a socket without a handle', async () => {
    const [[c, s]] = (await pairs(1)) as [[net.Socket, net.Socket]];
    expect(stopReading(s)).toBe(true);
    expect(stopReading(s)).toBe(true);
    startReading(s);
    startReading(s);
    const got = drain(s, 5);
    c.write('hello');
    expect((await got).toString()).toBe('hello');
    const bare = new net.Socket();
    expect(stopReading(bare)).toBe(false);
    expect(() => startReading(bare)).not.toThrow();
  });
});
