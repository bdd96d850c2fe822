// Extra MQTT listeners beside plain TCP (issue 11.4, 11.7): MQTT over TLS for meters on
// untrusted networks, and an anonymous conformance listener for the Eclipse Paho MQTT
// 3.1.1 interoperability suite. Both serve the same aedes instance and hooks.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

export const MqttTlsSchema = z.strictObject({
  /** 8883 is MQTT over TLS (IANA "secure-mqtt"); 0 picks an ephemeral port. */
  port: z.number().int().min(0).max(65535).default(8883),
  host: z.string().default('0.0.0.0'),
  /** PEM files: the server certificate (with its chain) and its private key. */
  certPath: z.string().min(1),
  keyPath: z.string().min(1),
});

export const ConformanceSchema = z.strictObject({
  /**
   * Off unless set. Anonymous clients that may subscribe, with stock aedes behaviour (retained
   * messages kept, no topic ACL): for running the Paho interoperability suite against this
   * build. Meters' messages are never forwarded to it. Refused on a non-loopback host.
   */
  enabled: z.boolean().default(false),
  port: z.number().int().min(0).max(65535).default(1884),
  host: z.string().default('127.0.0.1'),
});

export type MqttTls = z.output<typeof MqttTlsSchema>;
export type Conformance = z.output<typeof ConformanceSchema>;

/** 127.0.0.0/8, ::1, or 'localhost': the only places an anonymous listener may bind. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '::ffff:127.0.0.1';
}

export function assertConformanceHost(c: Conformance): void {
  if (c.enabled && !isLoopback(c.host))
    throw new Error(
      `mqtt.conformance.host "${c.host}" is not a loopback address: the conformance listener is anonymous and lets clients subscribe, so it may only listen on 127.0.0.1 or ::1`,
    );
}

/** Reads the PEM files, with a message that names the file when one cannot be read. */
export function readTlsFiles(t: MqttTls): { cert: Buffer; key: Buffer } {
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`mqtt.tls.${what}: cannot read ${path} (${(err as Error).message})`);
    }
  };
  return { cert: read('certPath', t.certPath), key: read('keyPath', t.keyPath) };
}

/**
 * The listen backlog (issue 12.5): how many finished TCP handshakes the kernel queues for the
 * broker to accept. Node's default is 511; 10,000 meters reconnecting at once overflow it, and
 * the kernel then drops their final ACKs, which costs each such meter a SYN-ACK retransmission
 * (1 s, then 2 s, 4 s …). Linux silently caps the value at net.core.somaxconn (4096 by default
 * since kernel 5.4), so asking for more does nothing unless the host allows it.
 */
export const BacklogSchema = z.number().int().min(1).max(1 << 20).default(4096);

const SOMAXCONN = '/proc/sys/net/core/somaxconn';

/** The kernel's cap on a listen backlog, or undefined where it cannot be read (not Linux). */
export function readSomaxconn(path = SOMAXCONN): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** What the kernel will really queue, and a warning when that is less than configured. */
export function effectiveBacklog(configured: number, somaxconn: number | undefined): { backlog: number; warning?: string } {
  if (somaxconn === undefined || configured <= somaxconn) return { backlog: configured };
  return {
    backlog: somaxconn,
    warning:
      `mqtt.backlog ${configured} is above net.core.somaxconn ${somaxconn}: the kernel queues only ${somaxconn} connections, so a reconnect storm may drop handshakes ` +
      `(raise it with: sysctl -w net.core.somaxconn=${configured})`,
  };
}
