// README, Notifications, "Delivery": "A retryable failure (timeout, 5xx, rate limit) is tried
// again after 30 s, 60 s, 120 s … (capped at retry.maxSeconds, a provider's Retry-After wins)".
// A rate limit answered the HTTP way — 429 Too Many Requests with Retry-After (what a gateway or
// the proxy the README suggests putting in front of a provider answers) — is retried no sooner
// than its Retry-After, in seconds or as an HTTP-date (RFC 9110 §10.2.3, measured against the
// answer's Date header). Such a page, and any non-JSON 4xx page, means the request was refused in
// front of the provider: nothing was sent, so the message is not "in doubt" (an in-doubt row is
// never cancelled and counts its contact as told).
import { afterEach, describe, expect, it } from 'vitest';
import { retryAfter } from '../../src/notify/channels/http.ts';
import { startWecomFake, type WecomFake } from './fakes/wecom.ts';
import { AppRun, T0 } from './app-harness.ts';

let fake: WecomFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function sendOnce(answer: { status: number; body: string; headers: Record<string, string> }) {
  const clock = { now: T0 };
  fake = await startWecomFake({ keys: ['group-key-0001'], now: () => clock.now });
  const r = new AppRun(undefined, {
    clock,
    notifiers: false,
    config: { notify: { policy: { checkIn: { enabled: false } }, channels: { wecom: { baseUrl: fake.url } } } },
  });
  const s = r.app.store;
  s.households.create({ id: 'hh-1', name: '王秀英', address: '莲花路 12 号', gridId: 'futian-01' }, clock.now);
  s.households.giveConsent('hh-1', { consentedBy: '王秀英', consentedAt: clock.now, scope: ['water-monitoring'] });
  s.meters.provision('m-1', 'hh-1', clock.now);
  s.contacts.add('hh-1', { name: '陈网格', role: 'grid-worker', wecomKey: 'group-key-0001', channels: ['wecom'] });
  fake.override({ kind: 'status', ...answer });
  const a = r.raise('data-fault');
  await r.app.notify!.settle();
  expect(fake.requests).toHaveLength(1);
  const row = r.rows(a.id)[0]!;
  await r.app.stop();
  return row;
}

describe('a 429 with Retry-After from the provider', () => {
  it('is retried no sooner than the Retry-After says, and is not in doubt', async () => {
    const row = await sendOnce({ status: 429, body: 'Too Many Requests', headers: { 'retry-after': '120' } });
    expect(row.status).toBe('pending');
    expect(row.nextAttemptAt).toBeGreaterThanOrEqual(T0 + 120_000);
    expect(row.lastError).toMatch(/^http-429/);
    expect(row.inDoubt).toBeUndefined();
  });

  it('an HTTP-date Retry-After counts from the answer\'s Date', async () => {
    const date = 'Tue, 03 Mar 2026 02:00:00 GMT';
    const row = await sendOnce({ status: 429, body: '<html>rate limited</html>', headers: { date, 'retry-after': 'Tue, 03 Mar 2026 02:10:00 GMT' } });
    expect(row.nextAttemptAt).toBe(T0 + 10 * 60_000);
    expect(row.inDoubt).toBeUndefined();
  });

  it('a non-JSON 4xx page (a proxy refusing) is retried but not in doubt', async () => {
    const row = await sendOnce({ status: 403, body: '<html>Forbidden</html>', headers: {} });
    expect(row.status).toBe('pending');
    expect(row.lastError).toMatch(/^http-403/);
    expect(row.inDoubt).toBeUndefined();
  });
});

describe('retryAfter', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it.each([
    [{ 'retry-after': '0' }, { retryAfterMs: 0 }],
    [{ 'retry-after': ' 30 ' }, { retryAfterMs: 30_000 }],
    [{ 'retry-after': '-5' }, {}],
    [{ 'retry-after': '1.5' }, {}],
    [{ 'retry-after': 'soon' }, {}],
    [{ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT', date: 'Wed, 21 Oct 2015 07:27:00 GMT' }, { retryAfterMs: 60_000 }],
    [{ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT', date: 'Wed, 21 Oct 2015 07:29:00 GMT' }, { retryAfterMs: 0 }],
    [{ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, { retryAfterMs: 5_000 }], // no Date: against the channel's clock
    [{}, {}],
  ])('%o → %o', (headers, expected) => {
    expect(retryAfter(h(headers), () => Date.parse('2015-10-21T07:27:55Z'))).toEqual(expected);
  });
});
