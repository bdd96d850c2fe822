// Guards: an erasure (PIPL Art. 47; README Security, "PIPL data lifecycle") also reaches the
// live stream's replay ring. The ring (src/http/routes/events.ts) keeps the last 1000 events,
// each with the alert and the household's name; before the fix a board reconnecting with an
// older Last-Event-ID had the erased household's alerts and name replayed to it. Now the
// privacy actions purge the household's events (createPrivacy onErased/onWithdrawn → hub.purge,
// wired in src/app.ts) and the reconnect is told `reset` (reload the board from the API).
import { afterEach, describe, expect, it } from 'vitest';
import { T0, household, rig, type Rig } from '../dashboard/helpers.ts';
import { addUser, login } from '../http/auth/helpers.ts';
import { sseStream as stream } from './sse-client.ts';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

describe('live stream replay after erasure', () => {
  it('does not replay an erased household’s alerts and name', async () => {
    r = await rig({ listen: true });
    household(r, 'h1', 'g1', 'm1');
    household(r, 'h2', 'g1', 'm2');
    await addUser(r.app.store, { username: 'boss', role: 'admin' });
    await addUser(r.app.store, { username: 'w1', role: 'grid-worker', gridIds: ['g1'] });
    const admin = await login(r.app.http, 'boss');
    const worker = await login(r.app.http, 'w1');
    const addr = r.app.http.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;

    // The worker's board is open; h2 raises an alert, then h1 does.
    const s = stream(port, worker.cookie);
    await s.until(() => s.text().includes('event: hello'));
    r.feed('m2', T0, 100, { battery: 5 });
    await s.until(() => s.text().includes('住户 h2'));
    const lastSeen = /id: (\S+)\nevent: alert/.exec(s.text())![1]!;
    s.close(); // the phone goes to sleep
    r.feed('m1', T0 + 60_000, 100, { battery: 5 });

    // h1 is erased on request (PIPL Art. 47).
    const del = await admin.req({ method: 'DELETE', url: '/api/households/h1' });
    expect(del.statusCode).toBe(200);
    expect(r.app.store.households.get('h1')).toBeUndefined();

    // The board reconnects with its last id (EventSource does this by itself).
    const again = stream(port, worker.cookie, lastSeen);
    await again.until(() => again.text().includes('retry: 3000'));
    r.feed('m2', T0 + 120_000, 100, { battery: 90 }); // one more live event, so the replay has surely been written
    await again.until(() => /"kind":"resolved"[^\n]*住户 h2/.test(again.text()));
    again.close();
    expect(again.text()).toContain('event: reset'); // what it missed included h1's: reload the board
    expect(again.text()).not.toContain('住户 h1');
    expect(again.text()).not.toContain('"householdId":"h1"');
  });
});
