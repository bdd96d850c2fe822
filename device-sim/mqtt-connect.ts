// One MQTT connection per meter (MQTT 3.1.1, username = meterId, password = token), behind a
// two-method seam so the fleet and the trace publisher do not depend on mqtt.js directly.
import mqtt from 'mqtt';
import type { FleetMeter } from './fleet-config.ts';

export interface MeterConnection {
  /** QoS 1 publish; resolves on PUBACK. */
  publish(topic: string, payload: string): Promise<void>;
  /** Waits for in-flight messages, then disconnects. */
  close(): Promise<void>;
}

export type Connector = (meter: FleetMeter) => Promise<MeterConnection>;

export interface MqttConnectorOptions {
  /** Errors after the connection is up (the client reconnects by itself). */
  onError?: (meterId: string, err: Error) => void;
  clientIdPrefix?: string;
}

export function mqttConnector(url: string, opts: MqttConnectorOptions = {}): Connector {
  return async (meter) => {
    // allowRetries=false: a wrong URL or a refused password fails start-up loudly
    // instead of retrying forever; later drops reconnect (reconnectPeriod).
    const client = await mqtt
      .connectAsync(url, {
        protocolVersion: 4,
        clientId: `${opts.clientIdPrefix ?? ''}${meter.meterId}`,
        username: meter.meterId,
        password: meter.token,
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 15_000,
      }, false)
      .catch((err: Error) => {
        throw new Error(`meter ${meter.meterId}: could not connect to ${redact(url)}: ${err.message}`);
      });
    client.on('error', (err) => opts.onError?.(meter.meterId, err));
    return {
      publish: async (topic, payload) => {
        await client.publishAsync(topic, payload, { qos: 1 });
      },
      close: () => client.endAsync(false),
    };
  };
}

/** Connects every meter, at most `concurrency` handshakes at a time so a broker is not stampeded. */
export async function connectAll(meters: readonly FleetMeter[], connector: Connector, concurrency = 100): Promise<Map<string, MeterConnection>> {
  const out = new Map<string, MeterConnection>();
  let next = 0;
  const worker = async () => {
    while (next < meters.length) {
      const meter = meters[next++] as FleetMeter;
      out.set(meter.meterId, await connector(meter));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, meters.length) }, worker));
  } catch (err) {
    await Promise.allSettled([...out.values()].map((c) => c.close()));
    throw err;
  }
  return out;
}

/** mqtt://user:pass@host → mqtt://***@host: URLs end up in error messages. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
