// Defect: after a household withdraws consent (with a grace period before erasure), the
// acknowledgement links already sent by SMS keep opening a page about it — the resident's
// (masked) name and the detector's explanation of her water use — and keep writing access-log
// rows as reads of it. Everything else stops showing the household at once: grid workers get
// 404, the live stream drops it, family links are revoked.
// README Security, PIPL data lifecycle: "Withdrawing consent at once ... resolves its open alerts
// with `by: consent-withdrawn`; grid workers no longer see it (admins do), on the live event
// stream neither ...; its family links are revoked". src/http/auth/principal.ts: "PIPL Art. 15:
// processing, showing included, stops". A link is a credential like a family link, not an admin.
// Why: src/http/routes/notify.ts resolveToken()/describe() check only the link's signature and
// age (linkTtlHours, 72 h) and whether the alert row still exists, never the household's consent.
import { afterEach, describe, expect, it } from 'vitest';
import { T0, household, rig, type Rig } from '../dashboard/helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

describe('acknowledgement link after consent withdrawal', () => {
  it('no longer shows the household (as a revoked family link: 404)', async () => {
    r = await rig({ config: { security: { erasureGraceDays: 30 } } });
    household(r, 'h1', 'g1', 'm1');
    r.app.store.households.update('h1', { name: '王秀英' });
    r.app.store.contacts.add('h1', { name: '李明', role: 'grid-worker', phone: '13800138000' });
    r.feed('m1', T0, 100, { battery: 5 }); // an alert, told to the grid worker by SMS with a link
    await r.app.notify!.settle();
    const alert = r.app.store.alerts.listActive()[0]!;
    const row = r.app.store.outbox.forAlert(alert.id)[0]!;
    const token = r.app.notify!.links.sign(row.id);
    const before = await r.api('GET', `/a/${token}`);
    expect(before.status).toBe(200);
    expect(String(before.body)).toContain('王*');

    const w = await r.api('POST', '/api/households/h1/consent/withdraw', {});
    expect(w.status).toBe(200);
    expect(w.body.erased).toBeUndefined(); // the grace period: erased later, processing stopped now

    const after = await r.api('GET', `/a/${token}`);
    expect(String(after.body), 'the page still describes the withdrawn household').not.toContain('王*');
    expect(after.status).toBe(404);
  });
});
