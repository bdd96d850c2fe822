// A meter may not subscribe (README: "may not subscribe"); each refused topic filter is logged
// as its own warn line (acl.ts createAuthorizeSubscribe), and SUBSCRIBE packets are under no
// budget (the publish limiter counts PUBLISH only). One ~140 KB SUBSCRIBE with 20,000 filters
// writes 20,000 log lines (~3.5 MB): a 25× amplification an authenticated meter can repeat at
// line rate, filling the log disk and burning CPU in logging — the kind of cost "hostile peers
// cannot exhaust memory or CPU" rules out.
// Guards the fix: refusals are counted per client and logged as one line with the count and the
// first few filters (acl.ts createAuthorizeSubscribe), at most once per 10 s per client.
import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Identities } from '../../src/broker/identity.ts';
import { appRig, type AppRig } from '../fixtures/app-rig.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('hostile MQTT peers: subscriptions', () => {
  it('refuses a SUBSCRIBE of 20,000 topic filters without writing a log line per filter', async () => {
    r = await appRig();
    const token = await r.meter('h1', 'm1');
    const meter = await r.connect('m1', token);
    const filters = Array.from({ length: 20_000 }, (_, i) => `x/${i}`);
    const before = r.lines.length;
    // Every filter is refused (SUBACK 0x80); mqtt.js reports that as an error carrying the SUBACK.
    const granted = await meter.subscribeAsync(filters, { qos: 0 }).then(
      (g) => g.map((x) => x.qos),
      (err: { packet?: { granted?: number[] } }) => err.packet?.granted ?? [],
    );
    expect(granted).toHaveLength(20_000);
    expect(granted.every((q) => q === 128)).toBe(true);
    expect(meter.connected).toBe(true);

    const written = r.lines.slice(before);
    const refusedLines = written.filter((l) => l.includes('mqtt subscribe refused')).length;
    const bytes = written.reduce((n, l) => n + l.length, 0);
    // A bounded note about the refusal (one line per packet, or a rate-limited few), not one per filter.
    expect(refusedLines).toBeLessThanOrEqual(10);
    expect(bytes).toBeLessThan(64 * 1024);
    // One line for the packet, saying how many filters it refused.
    const line = JSON.parse(written.find((l) => l.includes('mqtt subscribe refused'))!) as { refused: number; topics: string[]; meterId: string };
    expect(line).toMatchObject({ meterId: 'm1', refused: 20_000, topics: ['x/0', 'x/1', 'x/2'] });
  });
});

describe('createAuthorizeSubscribe', () => {
  it('logs a client that keeps subscribing at most once per 10 s, with the refusals counted in between', async () => {
    const { createAuthorizeSubscribe, SUBSCRIBE_LOG_EVERY_MS } = await import('../../src/broker/acl.ts');
    vi.useFakeTimers();
    try {
      const logged: Record<string, unknown>[] = [];
      const logger = { warn: (o: Record<string, unknown>) => void logged.push(o) } as unknown as Logger;
      const authorize = createAuthorizeSubscribe({ of: () => 'm1' } as unknown as Identities, logger, () => Date.now());
      const client = { id: 'c1' } as unknown as Parameters<typeof authorize>[0];
      const refuse = (topic: string) => authorize(client, { topic, qos: 0 } as Parameters<typeof authorize>[1], () => {});
      refuse('a');
      refuse('b');
      vi.advanceTimersByTime(1); // the end of the turn
      expect(logged).toEqual([{ meterId: 'm1', clientId: 'c1', refused: 2, topics: ['a', 'b'] }]);
      for (let i = 0; i < 100; i++) {
        refuse(`c/${i}`);
        vi.advanceTimersByTime(50); // a SUBSCRIBE every 50 ms
      }
      expect(logged).toHaveLength(1);
      vi.advanceTimersByTime(SUBSCRIBE_LOG_EVERY_MS);
      expect(logged).toHaveLength(2);
      expect(logged[1]).toMatchObject({ refused: 100, topics: ['c/0', 'c/1', 'c/2'] });
    } finally {
      vi.useRealTimers();
    }
  });
});
