// The meters of the kill -9 tests: one mqtt.js client per meter over loopback, each driven by
// the test's own loop until `stop()`. `ready` resolves once every meter has called `up()`
// (connected and sent what each test needs first); `pipelined` keeps at most `window` QoS 1
// publishes in flight, like a meter flushing its queue.
import mqtt, { type MqttClient } from 'mqtt';

export interface FleetMeter {
  id: string;
  client: MqttClient;
  /** Resolves when the connection closes (the service was killed). */
  closed: Promise<void>;
  stopped(): boolean;
  /** This meter is connected and primed: counts towards `ready`. */
  up(): void;
  /** Publishes at QoS 1 with `onAck` on its PUBACK; waits while `window` are in flight. */
  pipelined(topic: string, payload: string, onAck: () => void, window: number): Promise<void>;
}

export function runFleet(port: number, ids: string[], tokenOf: (id: string) => string, drive: (m: FleetMeter) => Promise<void>) {
  let stopped = false;
  const clients: MqttClient[] = [];
  let connected = 0;
  let allConnected!: () => void;
  const ready = new Promise<void>((r) => (allConnected = r));
  const runs = ids.map(async (id) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: id, password: tokenOf(id), protocolVersion: 4, reconnectPeriod: 0, clientId: id });
    clients.push(c);
    c.on('error', () => {});
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    const inflight = new Set<Promise<void>>();
    await drive({
      id,
      client: c,
      closed,
      stopped: () => stopped,
      up: () => {
        if (++connected === ids.length) allConnected();
      },
      async pipelined(topic, payload, onAck, window) {
        const p = new Promise<void>((resolve) =>
          c.publish(topic, payload, { qos: 1 }, (err) => {
            if (!err) onAck();
            resolve();
          }),
        );
        inflight.add(p);
        void p.then(() => inflight.delete(p));
        if (inflight.size >= window) await Promise.race([...inflight, closed]);
      },
    });
  });
  return {
    ready,
    async stop() {
      stopped = true;
      // Bounded: a client whose socket died mid-publish never settles its last promise.
      await Promise.race([Promise.all(runs), new Promise((r) => setTimeout(r, 2000))]);
      for (const c of clients) c.end(true);
    },
  };
}
