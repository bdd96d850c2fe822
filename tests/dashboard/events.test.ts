// GET /api/events over a real port: each event has an id; a reconnect with Last-Event-ID
// gets exactly what it missed; an id the ring no longer holds (or from before a restart)
// gets `reset`; a grid worker's stream carries only its grids' households.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventHub } from '../../src/http/routes/events.ts';
import { HOUR, MIN, T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

interface Sse {
  events: { id?: string; event?: string; data: any }[];
  close(): void;
  until(pred: (e: Sse['events']) => boolean): Promise<void>;
}

function openStream(port: number, headers: Record<string, string> = {}): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const events: Sse['events'] = [];
    const waiters: (() => void)[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: '/api/events', headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/event-stream/);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e: any = {};
          for (const line of block.split('\n')) {
            const m = /^(id|event|data): ?(.*)$/.exec(line);
            if (m) e[m[1]!] = m[1] === 'data' ? JSON.parse(m[2]!) : m[2];
          }
          if ('data' in e) events.push(e);
          waiters.splice(0).forEach((w) => w());
        }
      });
      resolve({
        events,
        close: () => req.destroy(),
        until: (pred) =>
          new Promise<void>((ok) => {
            const check = () => (pred(events) ? ok() : waiters.push(check));
            check();
          }),
      });
    });
    req.on('error', reject);
  });
}

async function port(r: Rig) {
  const addr = r.app.http.server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
}

describe('live events', () => {
  it('streams alert changes with ids and replays what a reconnecting client missed', async () => {
    r = await rig({ listen: true });
    household(r, 'h1', 'g1', 'm1');
    household(r, 'h2', 'g1', 'm2');
    const p = await port(r);
    const first = await openStream(p);
    await first.until((e) => e.some((x) => x.event === 'hello'));
    r.feed('m1', T0, 100, { battery: 5 }); // battery-low opens
    await first.until((e) => e.some((x) => x.event === 'alert'));
    const opened = first.events.find((x) => x.event === 'alert')!;
    expect(opened.id).toMatch(/^[0-9a-f]{8}-\d+$/);
    expect(opened.data).toMatchObject({ kind: 'opened', householdId: 'h1', gridId: 'g1', alert: { type: 'battery-low', severity: 'info', householdName: '住户 h1' } });
    first.close();

    // While disconnected: h2's battery alert opens and h1's is acknowledged.
    r.feed('m2', T0 + MIN, 100, { battery: 4 });
    const id1 = opened.data.alert.id;
    expect((await r.api('POST', `/api/alerts/${id1}/ack`, { by: '王' })).status).toBe(200);

    const again = await openStream(p, { 'last-event-id': opened.id! });
    await again.until((e) => e.filter((x) => x.event === 'alert').length >= 2);
    expect(again.events.filter((x) => x.event === 'alert').map((x) => [x.data.kind, x.data.householdId])).toEqual([
      ['opened', 'h2'],
      ['acknowledged', 'h1'],
    ]);
    again.close();

    const stale = await openStream(p, { 'last-event-id': 'deadbeef-1' }); // another boot
    await stale.until((e) => e.some((x) => x.event === 'reset'));
    stale.close();
  });

  it("a grid worker's stream carries only its grids", async () => {
    r = await rig({ listen: true });
    household(r, 'h1', 'g1', 'm1');
    household(r, 'h3', 'g2', 'm3');
    await r.app.store.users.create({ username: 'wang', password: 'grid-worker-pass-1', role: 'grid-worker', gridIds: ['g1'] });
    const login = await r.api('POST', '/api/session', { username: 'wang', password: 'grid-worker-pass-1' });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const s = await openStream(await port(r), { cookie });
    await s.until((e) => e.some((x) => x.event === 'hello'));
    r.feed('m3', T0, 100, { battery: 5 }); // other grid: not sent
    r.feed('m1', T0 + HOUR, 100, { battery: 5 });
    await s.until((e) => e.some((x) => x.event === 'alert'));
    expect(s.events.filter((x) => x.event === 'alert').map((x) => x.data.householdId)).toEqual(['h1']);
    s.close();
    // Without a session the stream is refused.
    const anon = await fetch(`http://127.0.0.1:${await port(r)}/api/events`, { headers: { host: 'example.org' } });
    expect(anon.status).toBe(401);
  });

  it('stopping the service ends open streams instead of waiting for them', async () => {
    r = await rig({ listen: true });
    const s = await openStream(await port(r));
    await s.until((e) => e.some((x) => x.event === 'hello'));
    const rr = r;
    r = undefined as unknown as Rig; // closed here, not again in afterEach
    await rr.close(); // would hang on the open connection without the preClose hook
    s.close();
  });

  it('the ring is bounded: an id older than it gets a reset', () => {
    const hub = createEventHub({ store: { meters: { householdOf: () => undefined }, households: { get: () => undefined } } as never, clock: () => 0, capacity: 3 });
    const alert = { id: 'a', meterId: 'm', type: 'offline', status: 'open', openedAt: 0, observedAt: 0, reason: { zh: '', en: '', facts: {} } } as const;
    const ids = [1, 2, 3, 4, 5].map(() => hub.publish('opened', { ...alert }).id);
    expect(hub.since(ids[0]!)).toBe('gap'); // #2 fell out of the ring
    expect((hub.since(ids[1]!) as { id: string }[]).map((e) => e.id)).toEqual(ids.slice(2));
    expect(hub.since(ids[4]!)).toEqual([]);
  });

  it('purge forgets a household’s events; a replay that would have held one is a reset', () => {
    const homeOf: Record<string, string> = { m1: 'h1', m2: 'h2' };
    const store = { meters: { householdOf: (m: string) => homeOf[m] }, households: { get: (id: string) => ({ id, name: `住户 ${id}`, gridId: 'g1' }) } };
    const hub = createEventHub({ store: store as never, clock: () => 0 });
    const alert = (meterId: string) => ({ id: `a-${meterId}`, meterId, type: 'battery-low', status: 'open', openedAt: 0, observedAt: 0, reason: { zh: '', en: '', facts: {} } }) as const;
    let resets = 0;
    hub.subscribe(() => {}, () => resets++);
    const [e1, , e3, e4] = ['m2', 'm1', 'm2', 'm1'].map((m) => hub.publish('opened', alert(m)));
    expect(hub.purge('h1', ['m1'])).toBe(2);
    expect(resets).toBe(1); // open streams reload their board
    expect(hub.since(e1!.id)).toBe('gap'); // it would have replayed #2 and #4 (h1)
    expect(hub.since(e3!.id)).toBe('gap');
    expect(hub.since(e4!.id)).toEqual([]); // nothing missed: nothing to reset
    const e5 = hub.publish('resolved', alert('m2'));
    expect((hub.since(e4!.id) as { id: string }[]).map((e) => e.id)).toEqual([e5.id]);
    expect(JSON.stringify(hub.since(e4!.id))).not.toContain('h1');
  });
});
