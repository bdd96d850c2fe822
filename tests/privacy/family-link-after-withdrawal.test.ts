// Regression test (found by a review, 2026-12-07). The bug, as it was:
// README (Dashboard, family page): "A revoked, expired or forged link, or withdrawn consent: 404."
// With security.erasureGraceDays > 0 a withdrawn household waits for erasure; withdrawal revokes
// its meters (they need a new token) but leaves its family links live, and the family route only
// checks that *some* consent is active now (src/http/routes/family.ts). A new consent given
// before the erasure (giveConsent "replaces any earlier consent, including a
// withdrawn one") silently re-opens every link issued under the withdrawn one.
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, rig, type Rig } from '../dashboard/helpers.ts';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('a family link and a withdrawn consent', () => {
  it('stays dead after the consent is withdrawn, even if consent is given again later', async () => {
    r = await rig({ config: { security: { erasureGraceDays: 30 } } });
    const api = (method: string, url: string, payload?: object) => r!.app.http.inject({ method: method as 'GET', url, ...(payload && { payload }) });
    // No account configured: loopback requests are the administrator (README, Security).
    await api('POST', '/api/households', { id: 'h1', name: '王秀英', gridId: 'g1' });
    await api('POST', '/api/households/h1/consent', { consentedBy: '王秀英本人', scope: ['water-monitoring', 'family-status'] });
    const link = await api('POST', '/api/households/h1/family-links', { label: '女儿' });
    expect(link.statusCode).toBe(201);
    const path = `${link.json().path}/status`;
    expect((await api('GET', path)).statusCode).toBe(200);

    r.clock.now += HOUR;
    expect((await api('POST', '/api/households/h1/consent/withdraw')).statusCode).toBe(200);
    expect((await api('GET', path)).statusCode).toBe(404);

    // A week later the son signs a new consent; nobody re-issued the link to the daughter.
    r.clock.now += 7 * 24 * HOUR;
    expect((await api('POST', '/api/households/h1/consent', { consentedBy: '儿子 李明', scope: ['water-monitoring', 'family-status'] })).statusCode).toBe(200);
    expect((await api('GET', path)).statusCode).toBe(404);
  });
});
