// PIPL data lifecycle (issue 11.5) over the real app: withdrawal stops everything, erasure keeps
// only an anonymised record, export gives the data subject's copy, deletion on request.
import { describe, expect, it } from 'vitest';
import { DAY0, seeded, startApp, until } from './app-harness.ts';

const DAY = 86_400_000;

describe('consent withdrawal', () => {
  it('revokes and disconnects the meters, stops processing, closes open alerts and erases the data at once (grace 0)', async () => {
    const h = await startApp();
    const { app, api, clock } = h;
    const { client } = await seeded(h);
    const alertId = app.store.alerts.list({ householdId: 'hh-1', limit: 10, offset: 0 }).items[0]!.id;
    expect(app.store.readings.recent('m-1', 100).length).toBeGreaterThan(0);
    expect(app.store.detectorSnapshots.list().map((s) => s.meterId)).toContain('m-1');
    let closed = false;
    client.on('close', () => (closed = true));

    clock.now += 60_000;
    const res = await api('POST', '/api/households/hh-1/consent/withdraw');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ consentActive: false, revokedMeters: ['m-1'], closedAlerts: [alertId], erased: { households: 1, readings: 5, contacts: 1, meters: 1, alerts: 1 } });
    await until(() => closed);
    expect(app.broker()!.connectedCount()).toBe(0);

    // Nothing personal is left, and nothing more is processed or learned.
    expect((await api('GET', '/api/households/hh-1')).status).toBe(404);
    expect(app.store.readings.recent('m-1', 100)).toEqual([]);
    expect(app.store.contacts.list('hh-1')).toEqual([]);
    expect(app.store.meters.get('m-1')).toBeUndefined();
    expect(app.store.alerts.get(alertId)).toBeUndefined();
    expect(app.store.households.consentHistory('hh-1')).toEqual([]);
    expect(app.monitor.detector.meters.has('m-1')).toBe(false);
    clock.now += 2 * 3_600_000;
    app.monitor.tick(clock.now); // an "offline" alert 2.5 minutes later was issue 11's finding
    expect(app.store.alerts.list({ meterId: 'm-1', limit: 10, offset: 0 }).total).toBe(0);
    app.monitor.saveState(clock.now);
    expect(app.store.detectorSnapshots.list().map((s) => s.meterId)).not.toContain('m-1');
    // The old token no longer opens a session.
    expect(app.store.meters.verify('m-1', 'anything')).toBe('unknown');

    // Only the anonymised record remains: that consent existed, its scope, when it ended.
    const records = app.store.erasure.records('hh-1');
    expect(records).toEqual([{ householdId: 'hh-1', consentedAt: DAY0, consentScope: ['water-monitoring', 'notify-family'], withdrawnAt: DAY0 + 7 * 60_000, erasedAt: DAY0 + 7 * 60_000, reason: 'consent-withdrawn' }]);
    expect(JSON.stringify(records)).not.toMatch(/王奶奶|幸福路|李梅|1380013/);
  });

  it('with a grace period: stops at once, keeps the data until the daily job erases it when the period is over', async () => {
    const h = await startApp({ security: { erasureGraceDays: 2 } });
    const { app, api, clock } = h;
    await seeded(h);
    const alertId = app.store.alerts.list({ householdId: 'hh-1', limit: 10, offset: 0 }).items[0]!.id;
    const withdrawnAt = clock.now;
    const res = await api('POST', '/api/households/hh-1/consent/withdraw');
    expect(res.body).not.toHaveProperty('erased');
    const alert = (await api('GET', `/api/alerts/${alertId}`)).body;
    expect(alert).toMatchObject({ status: 'resolved', resolvedBy: 'consent-withdrawn', resolution: 'manual' });
    expect(app.monitor.book.active.size).toBe(0);
    expect(app.store.meters.get('m-1')?.status).toBe('revoked');
    expect(app.monitor.detector.meters.has('m-1')).toBe(false);
    // Waiting for erasure, it is no longer shown to its grid worker; an admin still sees it.
    await app.store.users.create({ username: 'w1', password: 'a long password', role: 'grid-worker', gridIds: ['g1'] });
    const login = await app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'w1', password: 'a long password' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect((await app.http.inject({ url: '/api/households/hh-1', headers: { cookie } })).statusCode).toBe(404);
    expect((await app.http.inject({ url: '/api/households', headers: { cookie } })).json().total).toBe(0);
    expect((await api('GET', '/api/households/hh-1')).status).toBe(200);

    clock.now = withdrawnAt + 2 * DAY - 1;
    expect((await app.runRetention()).erasedHouseholds).toBe(0);
    expect(app.store.households.get('hh-1')?.name).toBe('王奶奶');
    clock.now = withdrawnAt + 2 * DAY;
    const removed = await app.runRetention();
    expect(removed.erasedHouseholds).toBe(1);
    expect(app.store.households.get('hh-1')).toBeUndefined();
    expect(app.store.readings.recent('m-1', 10)).toEqual([]);
    expect(app.store.erasure.records('hh-1')).toHaveLength(1);
  });
});

describe('export and deletion on request (admin)', () => {
  it('refuses a withdrawal dated ahead (it would delay the erasure), and takes one dated a little back', async () => {
    const h = await startApp({ security: { erasureGraceDays: 30 } });
    await seeded(h);
    const ahead = await h.api('POST', '/api/households/hh-1/consent/withdraw', { at: h.clock.now + DAY });
    expect(ahead.status).toBe(400);
    expect(ahead.body.message).toMatch(/^body\.at: expected a time no later than now .*cannot be dated ahead/);
    expect(h.app.store.households.get('hh-1')?.consent?.withdrawnAt).toBeUndefined(); // nothing stopped
    const back = await h.api('POST', '/api/households/hh-1/consent/withdraw', { at: h.clock.now - 60_000 });
    expect(back.status).toBe(200);
    expect(h.app.store.households.get('hh-1')?.consent?.withdrawnAt).toBe(h.clock.now - 60_000);
  });

  it('exports everything stored about a household as JSON, contacts in full', async () => {
    const h = await startApp();
    await seeded(h);
    const res = await h.api('GET', '/api/households/hh-1/export');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toBe('attachment; filename="household-hh-1.json"');
    const x = res.body;
    expect(x.household).toMatchObject({ id: 'hh-1', name: '王奶奶', address: '幸福路 3 号', gridId: 'g1' });
    expect(x.consentHistory).toMatchObject([{ kind: 'given', by: '女儿 李梅' }]);
    expect(x.contacts).toMatchObject([{ name: '李梅', phone: '13800138000' }]);
    expect(x.meters[0].readings).toHaveLength(5);
    expect(x.meters[0].readings[0].ts).toBeLessThan(x.meters[0].readings[4].ts);
    expect(x.meters[0].learnedRoutine).toMatchObject({ version: expect.any(Number) });
    expect(x.meters[0]).not.toHaveProperty('tokenHash');
    expect(JSON.stringify(x)).not.toMatch(/scrypt\$/);
    expect(x.alerts).toMatchObject([{ type: 'data-fault', history: [{ kind: 'opened' }] }]);
    expect((await h.api('GET', '/api/households/nope/export')).status).toBe(404);
  });

  it('DELETE /api/households/:id erases at once, recorded as a deletion request', async () => {
    const h = await startApp({ security: { erasureGraceDays: 30 } });
    await seeded(h);
    await seeded(h, 'hh-2', 'm-2');
    // A table added by another migration that references the household goes too (found by its foreign key).
    h.app.store.familyLinks.create({ householdId: 'hh-1', createdBy: 'boss', now: h.clock.now, ttlMs: 86_400_000 });
    const res = await h.api('DELETE', '/api/households/hh-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ householdId: 'hh-1', removed: { households: 1, meters: 1, contacts: 1, family_links: 1, consent_log: 1 } });
    expect(h.app.store.households.get('hh-1')).toBeUndefined();
    expect(h.app.store.erasure.records('hh-1')).toMatchObject([{ reason: 'deletion-request' }]);
    expect(h.app.monitor.detector.meters.has('m-1')).toBe(false);
    // The other household is untouched.
    expect(h.app.store.households.get('hh-2')?.name).toBe('王奶奶');
    expect(h.app.store.readings.recent('m-2', 10)).toHaveLength(5);
    expect((await h.api('DELETE', '/api/households/hh-1')).status).toBe(404);
  });
});
