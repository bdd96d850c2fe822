// A household's status lists every open alert — the board's household row, the household page
// and the family page — however many newer alerts of that household exist (a flaky meter's
// data-fault / battery-low alerts that open and clear by themselves). It once took the 50 newest
// alerts, resolved ones included, and only then kept the unresolved ones, so after 50 self-clearing
// faults the family page said "今天 07:12 已用水，一切正常" while a leak alert was open. It now asks
// the store for the household's open alerts (store.alerts.listActiveOfHousehold).
// README Dashboard: `GET /api/households/:id/status` → `activeAlerts[]`; family page:
// "`family-alerts` → an open urgent alert, since when, and who is on it".
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { HOUR, MIN, T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

const reason = { zh: '疑似漏水', en: 'possible leak', facts: {} };

describe('household status: every open alert, however many resolved ones came after it', () => {
  it('an open leak alert stays in activeAlerts and on the family page after 50 self-clearing data faults', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1', ['water-monitoring', 'family-status', 'family-alerts']);
    const s = r.app.store;
    r.feed('m1', T0, 1000); // water used today at 08:00
    const leak: Alert = { id: 'al-leak', meterId: 'm1', type: 'leak', status: 'open', openedAt: T0, observedAt: T0, reason };
    s.alerts.record({ kind: 'opened', alert: leak } as any);
    // Afterwards the meter's register glitches 50 times: each data fault opens and clears itself.
    for (let i = 1; i <= 50; i++) {
      const at = T0 + i * MIN;
      const a: Alert = { id: `al-df-${i}`, meterId: 'm1', type: 'data-fault', status: 'open', openedAt: at, observedAt: at, reason: { zh: '数据异常', en: 'data fault', facts: {} } };
      s.alerts.record({ kind: 'opened', alert: a } as any);
      s.alerts.record({ kind: 'resolved', alert: { ...a, status: 'resolved', resolvedAt: at + 1, resolvedBy: 'system', resolution: 'auto' } } as any);
    }
    r.clock.now = T0 + 2 * HOUR;
    expect(s.alerts.listActive().map((a) => a.id)).toEqual(['al-leak']); // the leak is still open

    const status = await r.api('GET', '/api/households/h1/status');
    expect(status.status).toBe(200);
    expect(status.body.activeAlerts.map((a: any) => a.id)).toEqual(['al-leak']);

    const { token } = s.familyLinks.create({ householdId: 'h1', createdBy: 'admin', now: r.clock.now, ttlMs: 90 * 24 * HOUR });
    const fam = await r.api('GET', `/family/${token}/status`);
    expect(fam.status).toBe(200);
    expect(fam.body.alerts.map((a: any) => a.type), JSON.stringify(fam.body)).toEqual(['leak']);
  });
});
