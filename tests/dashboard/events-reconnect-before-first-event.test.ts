// A board whose live stream drops before its first event (a quiet morning, then a Wi-Fi blip or a
// proxy timeout) gets, on reconnecting, what was published while it was away (or `event: reset`),
// so a new urgent alert still raises the red banner and the beep, and the board is not stale.
// README Dashboard / HTTP API: "`GET /api/events` ... reconnecting with `Last-Event-ID` replays
// what was missed ... or sends `event: reset` (reload)".
// The stream's first frame (`retry:` + `event: hello`) once carried no `id:` field, so the
// browser's EventSource had an empty last-event-id buffer and reconnected WITHOUT Last-Event-ID
// (WHATWG HTML §9.2.6); the server took it for a fresh board (`hello` again) and the events
// published in the gap were never delivered. `hello` now carries the hub's position as its id
// (src/http/routes/events.ts). The client below follows the EventSource reconnection algorithm
// exactly: it sends back the last `id:` it saw, if any.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventHub } from '../../src/http/routes/events.ts';
import { T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

interface Stream { blocks: { id?: string; event?: string; data?: string }[]; lastId: string; until(p: () => boolean): Promise<void>; close(): void }

function open(port: number, lastEventId: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const blocks: Stream['blocks'] = [];
    const waiters: (() => void)[] = [];
    const s: Stream = {
      blocks,
      lastId: lastEventId,
      until: (p) => new Promise((ok) => { const check = () => (p() ? ok() : waiters.push(check)); check(); }),
      close: () => req.destroy(),
    };
    const headers: Record<string, string> = { accept: 'text/event-stream', ...(lastEventId !== '' && { 'last-event-id': lastEventId }) };
    const req = http.get({ host: '127.0.0.1', port, path: '/api/events', headers }, (res) => {
      expect(res.statusCode).toBe(200);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const b: Stream['blocks'][number] = {};
          for (const line of buf.slice(0, i).split('\n')) {
            const m = /^(id|event|data): ?(.*)$/.exec(line);
            if (m) (b as any)[m[1]!] = m[2];
            // EventSource: an `id:` field sets the last event ID buffer (even on a block without data).
            if (m?.[1] === 'id') s.lastId = m[2]!;
          }
          buf = buf.slice(i + 2);
          blocks.push(b);
          waiters.splice(0).forEach((w) => w());
        }
      });
      resolve(s);
    });
    req.on('error', reject);
  });
}

describe('live stream: a reconnect before the first event', () => {
  it('gets what was published while it was away (or a reset), not a silent fresh start', async () => {
    r = await rig({ listen: true });
    household(r, 'h1', 'g1', 'm1');
    household(r, 'h2', 'g1', 'm2');
    const addr = r.app.http.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;

    // The board opens its stream on a quiet morning: nothing has happened yet.
    const first = await open(port, '');
    await first.until(() => first.blocks.some((b) => b.event === 'hello'));
    first.close(); // the connection drops

    // While the browser waits its `retry: 3000` ms, an alert opens for h1.
    r.feed('m1', T0, 100, { battery: 5 });
    const missed = r.app.store.alerts.listActive().find((a) => a.meterId === 'm1')!;
    expect(missed).toBeDefined();

    // The browser reconnects, sending back the last id it received (the hello's).
    const second = await open(port, first.lastId);
    // A later alert (h2) marks "everything before it has been delivered".
    await second.until(() => second.blocks.some((b) => b.event === 'hello' || b.event === 'reset' || b.event === 'alert'));
    r.feed('m2', T0 + 60_000, 100, { battery: 5 });
    await second.until(() => second.blocks.some((b) => b.event === 'alert' && b.data!.includes('"m2"')));
    second.close();

    const gotMissed = second.blocks.some((b) => b.event === 'alert' && b.data!.includes(missed.id));
    const toldToReload = second.blocks.some((b) => b.event === 'reset');
    expect(gotMissed || toldToReload, `second stream: ${JSON.stringify(second.blocks.map((b) => b.event))}; Last-Event-ID sent: "${first.lastId}"`).toBe(true);
  });

  it('the first frame’s id is the hub’s position: replayed from there, also after a reset (no reset loop)', () => {
    const store = { meters: { householdOf: () => 'h1' }, households: { get: (id: string) => ({ id, name: '住户', gridId: 'g1' }) } };
    const hub = createEventHub({ store: store as never, clock: () => 0, capacity: 3 });
    const alert = { id: 'a', meterId: 'm', type: 'offline', status: 'open', openedAt: 0, observedAt: 0, reason: { zh: '', en: '', facts: {} } } as const;
    const quiet = hub.cursor(); // a board opened before anything happened
    expect(hub.since(quiet)).toEqual([]);
    const e1 = hub.publish('opened', { ...alert });
    expect((hub.since(quiet) as { id: string }[]).map((e) => e.id)).toEqual([e1.id]);
    for (let i = 0; i < 3; i++) hub.publish('opened', { ...alert });
    expect(hub.since(quiet)).toBe('gap'); // too old for the ring: a reset …
    const atReset = hub.cursor(); // … whose own id the browser sends back next time
    expect(hub.since(atReset)).toEqual([]);
    hub.purge('h1');
    expect(hub.since(hub.cursor())).toEqual([]); // the reset after a purge, likewise
  });
});
