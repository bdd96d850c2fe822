// PIPL erasure and retention of a household whose alerts were notified. notification_attempts
// references notifications, which reference alerts (foreign keys on): erasure once deleted an
// alert's notifications before their attempts, so erasing any household that had ever been
// notified failed with a 500 (FOREIGN KEY constraint failed) and its data stayed; the daily
// retention threw on the same rows. (Found by a review, 2026-12-07.)
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from './app-harness.ts';

const TOKEN = 'machine-token-0123456789';
const cfg = { http: { port: 0, host: '127.0.0.1', apiToken: TOKEN } };
const auth = { authorization: `Bearer ${TOKEN}` };

/** Rows still about this alert in the outbox tables. */
function outboxRows(r: AppRun, alertId: string, notificationIds: number[]) {
  return { notifications: r.app.store.outbox.forAlert(alertId).length, attempts: notificationIds.flatMap((id) => r.app.store.outbox.attempts(id)).length };
}

describe('erasure of a household that was notified', () => {
  it('DELETE /api/households/:id erases it with its notifications and their attempts', async () => {
    const r = new AppRun(undefined, { config: cfg }).seed();
    const a = r.raise('data-fault');
    await r.advance(T0 + 2 * MIN);
    expect(r.rec.lines()).toEqual(['rung-1→13800000002 sms']);
    const sent = r.app.store.outbox.forAlert(a.id).map((n) => n.id);
    expect(outboxRows(r, a.id, sent)).toEqual({ notifications: 1, attempts: 1 });
    const res = await r.app.http.inject({ method: 'DELETE', url: '/api/households/hh-1', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().removed).toMatchObject({ notifications: 1, notification_attempts: 1, alerts: 1 });
    expect(r.app.store.households.get('hh-1')).toBeUndefined();
    expect(outboxRows(r, a.id, sent)).toEqual({ notifications: 0, attempts: 0 });
    await r.app.stop();
  });

  it('consent withdrawal (erasureGraceDays 0) erases it too', async () => {
    const r = new AppRun(undefined, { config: cfg }).seed();
    r.raise('data-fault');
    await r.advance(T0 + 2 * MIN);
    const res = await r.app.http.inject({ method: 'POST', url: '/api/households/hh-1/consent/withdraw', headers: auth, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json().erased).toBeDefined();
    expect(r.app.store.households.get('hh-1')).toBeUndefined();
    await r.app.stop();
  });

  it('the daily retention prunes a resolved alert that was notified, with its outbox rows', async () => {
    const r = new AppRun(undefined, { config: { ...cfg, retention: { alertDays: 1 } } }).seed();
    const a = r.raise('data-fault');
    await r.advance(T0 + 2 * MIN);
    const sent = r.app.store.outbox.forAlert(a.id).map((n) => n.id);
    const res = await r.app.http.inject({ method: 'POST', url: `/api/alerts/${a.id}/resolve`, headers: auth, payload: { by: 'ops', note: '已更换' } });
    expect(res.statusCode).toBe(200);
    await r.advance(T0 + 4 * MIN);
    r.clock.now = T0 + 3 * 24 * 60 * MIN;
    const removed = await r.app.runRetention();
    expect(removed.alerts).toBe(1);
    expect(r.app.store.alerts.get(a.id)).toBeUndefined();
    expect(outboxRows(r, a.id, sent)).toEqual({ notifications: 0, attempts: 0 });
    await r.app.stop();
  });
});
