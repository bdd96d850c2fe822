// MQTT over TLS (a certificate made at test time with openssl) and the conformance
// listener (anonymous, may subscribe, stock aedes rules, never sees meters' data, loopback only).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import type { Broker } from '../../src/broker/index.ts';
import { effectiveBacklog, isLoopback, readSomaxconn } from '../../src/broker/listeners.ts';
import { Inbox, connect, startTestBroker, closeAfterEach } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'anxin-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeCert(): { cert: Buffer; key: Buffer } {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

describe('extra listeners', () => {
  let broker: Broker | undefined;
  const { clients } = closeAfterEach(() => broker, () => (broker = undefined));

  it('serves meters over TLS with the same authentication, ACL and ingest', async () => {
    const { cert, key } = makeCert();
    const inbox = new Inbox();
    broker = await startTestBroker(inbox.onPublish, { tls: { port: 0, host: '127.0.0.1', cert, key } });
    const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.tlsPort}`, { username: 'm-001', password: 'tok-001', protocolVersion: 4, reconnectPeriod: 0, ca: cert });
    clients.push(c);
    await c.publishAsync('meters/m-001/reading', '{"ts":1,"totalLiters":2}', { qos: 1 });
    expect(await inbox.next()).toMatchObject({ meterId: 'm-001', payload: '{"ts":1,"totalLiters":2}' });
    await expect(mqtt.connectAsync(`mqtts://127.0.0.1:${broker.tlsPort}`, { username: 'm-001', password: 'nope', protocolVersion: 4, reconnectPeriod: 0, ca: cert })).rejects.toMatchObject({ code: 4 });
    // a client that does not trust the certificate never gets to MQTT
    await expect(mqtt.connectAsync(`mqtts://127.0.0.1:${broker.tlsPort}`, { username: 'm-001', password: 'tok-001', protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/self[- ]signed/);
  });

  it('opens an anonymous conformance listener with stock behaviour that never sees meter data', async () => {
    const inbox = new Inbox();
    broker = await startTestBroker(inbox.onPublish, { conformance: { port: 0, host: '127.0.0.1' } });
    const url = `mqtt://127.0.0.1:${broker.conformancePort}`;
    // What aedes routes (its 'publish' event fires at the end of its routing of a publish).
    const routed: string[] = [];
    broker.aedes.on('publish', (packet, client) => void (client && routed.push(packet.topic)));
    const pub = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, clientId: 'paho-a' });
    clients.push(pub);
    await pub.publishAsync('TopicA/B', 'retained', { qos: 1, retain: true });
    const sub = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, clientId: 'paho-b' });
    clients.push(sub);
    const got: string[] = [];
    sub.on('message', (topic, payload) => got.push(`${topic}=${payload}`));
    const granted = await sub.subscribeAsync(['TopicA/+', '#'], { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1, 1]);
    await expect.poll(() => got).toContain('TopicA/B=retained'); // retained messages are kept here
    // A meter publishing on the main listener: ingested, and not forwarded to '#'.
    const meter = await connect(broker, 'm-001', 'tok-001');
    clients.push(meter);
    await meter.publishAsync('meters/m-001/reading', '{"ts":1,"totalLiters":2}', { qos: 1 });
    await pub.publishAsync('TopicA/C', 'after', { qos: 1 });
    await expect.poll(() => got).toContain('TopicA/C=after');
    expect(got.filter((g) => g.startsWith('meters/'))).toEqual([]);
    // A meter's publish is ingested and acknowledged but never routed: it has no one to go to.
    expect(routed).toEqual(['TopicA/B', 'TopicA/C']);
    expect(inbox.all.map((m) => m.topic)).toEqual(['meters/m-001/reading']); // anonymous publishes are not ingested
    // the main listener still refuses anonymous clients
    await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toMatchObject({ code: 4 });
  });

  it('is off by default and refused on a non-loopback address', () => {
    expect(parseConfig({}).mqtt.conformance.enabled).toBe(false);
    expect(parseConfig({}).mqtt.tls).toBeUndefined();
    const config = parseConfig({ dbPath: ':memory:', mqtt: { conformance: { enabled: true, host: '0.0.0.0' } } });
    expect(() => createApp(config)).toThrow(/mqtt.conformance.host "0.0.0.0" is not a loopback address/);
    expect(['127.0.0.1', '127.9.9.9', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});

/** The kernel's own view of a listening socket's backlog: `ss` prints it as Send-Q (Linux, iproute2). */
function kernelBacklog(port: number): number | undefined {
  let out: string;
  try {
    out = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const f = out.trim().split(/\s+/);
  return f[0] === 'LISTEN' ? Number(f[2]) : undefined;
}
const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('listen backlog (issue 12.5)', () => {
  let broker: Broker | undefined;
  closeAfterEach(() => broker, () => (broker = undefined));

  it('defaults to a fleet-sized backlog, validated by the one config', () => {
    expect(parseConfig({}).mqtt.backlog).toBe(4096);
    expect(parseConfig({ mqtt: { backlog: 8192 } }).mqtt.backlog).toBe(8192);
    expect(() => parseConfig({ mqtt: { backlog: 0 } })).toThrow(/mqtt.backlog/);
  });

  it('knows the kernel caps it at net.core.somaxconn, and says so', () => {
    expect(effectiveBacklog(4096, 4096)).toEqual({ backlog: 4096 });
    expect(effectiveBacklog(4096, undefined)).toEqual({ backlog: 4096 }); // not Linux: nothing to compare with
    const capped = effectiveBacklog(8192, 4096);
    expect(capped.backlog).toBe(4096);
    expect(capped.warning).toMatch(/mqtt.backlog 8192 is above net.core.somaxconn 4096.*sysctl -w net.core.somaxconn=8192/);
    const f = join(dir, 'somaxconn');
    writeFileSync(f, '4096\n');
    expect(readSomaxconn(f)).toBe(4096);
    writeFileSync(f, 'nonsense');
    expect(readSomaxconn(f)).toBeUndefined();
    expect(readSomaxconn(join(dir, 'absent'))).toBeUndefined();
  });

  it('warns at start when the configured backlog is above the kernel cap', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    broker = await startTestBroker(new Inbox().onPublish, { backlog: 300, somaxconn: () => 200, logger });
    expect(broker.backlog).toBe(200);
    expect(lines.join('')).toMatch(/mqtt.backlog 300 is above net.core.somaxconn 200/);
  });

  it.runIf(hasSs)('passes the backlog to listen() for the plain and TLS listeners (as the kernel reports it; needs iproute2 ss)', async () => {
    const { cert, key } = makeCert();
    const somaxconn = readSomaxconn() ?? 4096;
    const want = Math.min(777, somaxconn);
    broker = await startTestBroker(new Inbox().onPublish, { backlog: want, tls: { port: 0, host: '127.0.0.1', cert, key } });
    expect(broker.backlog).toBe(want);
    expect(kernelBacklog(broker.port)).toBe(want);
    expect(kernelBacklog(broker.tlsPort!)).toBe(want);
  });
});
