// README, Notifications, "Delivery": "A retryable failure (timeout, 5xx, rate limit) is tried
// again after 30 s, 60 s, 120 s … (capped at retry.maxSeconds, a provider's Retry-After wins)".
// A rate limit answered the HTTP way — 429 Too Many Requests with Retry-After (what a gateway or
// the proxy the README suggests putting in front of a provider answers) — is retried after the
// 30 s base instead: src/notify/channels/http.ts reads Retry-After only for 5xx, and the 429 page
// becomes a "bad-response" (not even a rate limit), so the sender hammers the limit again early.
import { afterEach, describe, expect, it } from 'vitest';
import { startWecomFake, type WecomFake } from '../notify/fakes/wecom.ts';
import { AppRun, MIN, T0 } from '../notify/app-harness.ts';

let fake: WecomFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('a 429 with Retry-After from the provider', () => {
  it('is retried no sooner than the Retry-After says', async () => {
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
    fake.override({ kind: 'status', status: 429, body: 'Too Many Requests', headers: { 'retry-after': '120' } });
    const a = r.raise('data-fault');
    await r.app.notify!.settle();
    expect(fake.requests).toHaveLength(1);
    const row = r.rows(a.id)[0]!;
    expect(row.status).toBe('pending');
    expect(row.nextAttemptAt).toBeGreaterThanOrEqual(T0 + 120_000);
    await r.app.stop();
  });
});
