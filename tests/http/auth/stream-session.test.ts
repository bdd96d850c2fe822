// A live stream (GET /api/events) outlives the request that opened it; it must not outlive the
// session: signed out or disabled, the next event ends it instead of being delivered.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { T0, household, rig, type Rig } from '../../dashboard/helpers.ts';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

function stream(port: number, cookie: string) {
  const chunks: string[] = [];
  let ended = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  http.get({ host: '127.0.0.1', port, path: '/api/events', headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (c: string) => (chunks.push(c), wake()));
    res.on('end', () => ((ended = true), wake()));
  });
  const until = (pred: () => boolean) => new Promise<void>((ok) => { const check = () => (pred() ? ok() : waiters.push(check)); check(); });
  return { text: () => chunks.join(''), ended: () => ended, until };
}

async function signIn(r: Rig, username: string) {
  await r.app.store.users.create({ username, password: 'a long password', role: 'grid-worker', gridIds: ['g1'] });
  const login = await r.api('POST', '/api/session', { username, password: 'a long password' });
  return { cookie: String(login.headers['set-cookie']).split(';')[0]!, csrf: login.body.csrfToken as string };
}

describe('live stream and the session', () => {
  it.each(['signed out', 'disabled'])('ends at the next event once the session is %s, without delivering it', async (how) => {
    r = await rig({ listen: true });
    household(r, 'h1', 'g1', 'm1');
    const addr = r.app.http.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const { cookie, csrf } = await signIn(r, 'wang');
    const s = stream(port, cookie);
    await s.until(() => s.text().includes('event: hello'));
    r.feed('m1', T0, 100, { battery: 5 }); // delivered while signed in
    await s.until(() => s.text().includes('event: alert'));
    if (how === 'signed out') expect((await r.api('DELETE', '/api/session', undefined, { cookie, 'x-csrf-token': csrf })).status).toBe(204);
    else r.app.store.users.disable('wang');
    const before = s.text();
    r.feed('m1', T0 + 60_000, 100, { battery: 90 }); // battery-low clears: an event the stream would carry
    await s.until(() => s.ended());
    expect(s.text()).toBe(before);
  });
});
