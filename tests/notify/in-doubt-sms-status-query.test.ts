// README, Notifications, "Delivery": every message has "a unique idempotency key
// alert:step:contact (the provider gets …:channel), so a step reaches a person once whatever
// restarts happen"; a request in doubt must not be sent twice nor dropped. Tencent SendSms does
// not de-duplicate (its SessionContext is only echoed back), and neither does Alibaba's SendSms
// (OutId is echoed, "不支持幂等"). So before an SMS whose send was in doubt (the answer was late:
// the channel's timeout fired) goes again, the provider's own records are asked — Tencent
// PullSmsSendStatusByPhoneNumber (the receipt carrying our SessionContext), Alibaba
// QuerySendDetails (the record carrying our OutId) — through local fakes that enforce the
// signatures and fields: delivered → marked sent, no resend; nothing there → sent again; the
// query fails → not sent again on SMS, counted as possibly told, the ladder goes on.
import { afterEach, describe, expect, it } from 'vitest';
import { startTencentFake, type TencentFake } from './fakes/tencent.ts';
import { startAliyunFake, type AliyunFake } from './fakes/aliyun.ts';
import { AppRun, T0 } from './app-harness.ts';

let fake: TencentFake | AliyunFake | undefined;
let run: AppRun | undefined;
afterEach(async () => {
  await run?.app.stop();
  await fake?.close();
  fake = undefined;
  run = undefined;
});

const KEYS = { secretId: 'AKIDanxin', secretKey: 'sk-anxin' };

function app(clock: { now: number }, channels: Record<string, unknown>): AppRun {
  // 500 ms: long enough that the status queries, which must answer, do so on a loaded CI machine;
  // each "late" send costs this much wall time, as it waits for the channel's own timeout.
  const r = new AppRun(undefined, { clock, notifiers: false, config: { notify: { policy: { checkIn: { enabled: false } }, channels: { timeoutMs: 500, ...channels } } } });
  const s = r.app.store;
  s.households.create({ id: 'hh-1', name: '王秀英', address: '莲花路 12 号', gridId: 'futian-01' }, clock.now);
  s.households.giveConsent('hh-1', { consentedBy: '王秀英', consentedAt: clock.now, scope: ['water-monitoring'] });
  s.meters.provision('m-1', 'hh-1', clock.now);
  s.contacts.add('hh-1', { name: '陈网格', role: 'grid-worker', phone: '13800000002' });
  return (run = r);
}

async function tencent(clock: { now: number }, extra: { receiptSessionContext?: boolean } = {}): Promise<{ f: TencentFake; r: AppRun }> {
  const f = await startTencentFake({ service: 'sms', ...KEYS, now: () => clock.now, sdkAppId: '1400009999', signName: '安心', templates: { '200001': 4 }, ...extra });
  fake = f;
  const r = app(clock, { tencent: { ...KEYS, sms: { sdkAppId: '1400009999', signName: '安心', baseUrl: f.url, templates: { alert: { id: '200001', params: ['name', 'what', 'since', 'token'] } } } } });
  return { f, r };
}

describe('an SMS whose answer was late (Tencent)', () => {
  it('reaches the grid worker once: the receipt shows it was delivered', async () => {
    const clock = { now: T0 };
    const { f, r } = await tencent(clock);
    f.override({ kind: 'late' }); // Tencent delivers it; its answer never comes in time
    const a = r.raise('data-fault');
    await r.app.notify!.settle();
    expect(f.delivered).toHaveLength(1);
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'pending', inDoubt: true });

    clock.now = T0 + 5 * 60_000; // past the backoff and the receipt wait
    await r.app.notify!.settle();
    expect(f.delivered.map((d) => d.phone)).toEqual(['+8613800000002']);
    expect(f.pulls).toEqual([{ PhoneNumber: '+8613800000002', SmsSdkAppId: '1400009999', BeginTime: Math.floor(T0 / 1000) - 60, EndTime: Math.floor(clock.now / 1000) + 60, Offset: 0, Limit: 100 }]);
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'sent', inDoubt: true });
    expect(r.app.store.alerts.history(a.id).map((e) => e.kind)).toContain('notification-sent');
  });

  it('an account whose receipts do not echo SessionContext (Tencent default): the receipt settles nothing, so no second SMS', async () => {
    const clock = { now: T0 };
    const { f, r } = await tencent(clock, { receiptSessionContext: false });
    f.override({ kind: 'late' });
    const a = r.raise('data-fault');
    await r.app.notify!.settle();
    expect(f.delivered).toHaveLength(1);
    clock.now = T0 + 5 * 60_000;
    await r.app.notify!.settle();
    expect(f.pulls).toHaveLength(1);
    expect(f.delivered).toHaveLength(1); // not sent again on a receipt it cannot tell apart
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'failed', inDoubt: true });
    expect(r.rows(a.id)[0]!.lastError).toMatch(/SessionContext/);
  });

  it('does not ask before a receipt could have come, and sends again when the records clearly hold nothing', async () => {
    const clock = { now: T0 };
    const { f, r } = await tencent(clock);
    f.override({ kind: 'hang' }); // the request never got through: nothing delivered, no answer
    const a = r.raise('data-fault');
    await r.app.notify!.settle();
    expect(f.delivered).toHaveLength(0);
    clock.now = T0 + 60_000; // the 30 s backoff is over, but a receipt may still be on its way
    await r.app.notify!.settle();
    expect(f.pulls).toHaveLength(0);
    clock.now = T0 + 3 * 60_000;
    await r.app.notify!.settle();
    expect(f.pulls).toHaveLength(1);
    expect(f.delivered.map((d) => d.phone)).toEqual(['+8613800000002']);
    expect(r.rows(a.id)[0]!.status).toBe('sent');
    expect(r.rows(a.id)[0]!.inDoubt).toBeUndefined();
  });

  it('the query fails: not sent again by SMS, counted as possibly told (the all-clear still reaches him)', async () => {
    const clock = { now: T0 };
    const { f, r } = await tencent(clock);
    f.override({ kind: 'late' });
    const a = r.raise('data-fault');
    await r.app.notify!.settle();
    f.override({ kind: 'status', status: 502, body: 'bad gateway' }); // the status query
    clock.now = T0 + 5 * 60_000;
    await r.app.notify!.settle();
    expect(f.delivered).toHaveLength(1);
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'failed', inDoubt: true });
    expect(r.rows(a.id)[0]!.lastError).toMatch(/^in doubt, unconfirmed/);

    clock.now = T0 + 10 * 60_000; // the fault clears: he may have been told, so he hears it is over
    r.change({ kind: 'resolved', alert: { ...a, status: 'resolved', resolvedAt: clock.now, resolution: 'auto', resolvedBy: 'system' } });
    await r.app.notify!.settle();
    expect(r.rows(a.id).map((n) => `${n.step}:${n.status}`)).toEqual(['rung-1:failed', 'all-clear:failed']); // no all-clear template on this account
    expect(f.delivered).toHaveLength(1);
  });
});

describe('an SMS whose answer was late (Alibaba)', () => {
  it('reaches the grid worker once: QuerySendDetails holds the record with our OutId', async () => {
    const clock = { now: T0 };
    const f = await startAliyunFake({ accessKeyId: 'LTAIanxin', accessKeySecret: 'ak-secret', now: () => clock.now, signName: '安心', templates: { SMS_1: ['name', 'what'] } });
    fake = f;
    const r = app(clock, { aliyun: { accessKeyId: 'LTAIanxin', accessKeySecret: 'ak-secret', signName: '安心', baseUrl: f.url, templates: { alert: { id: 'SMS_1', params: ['name', 'what'] } } } });
    f.override({ kind: 'late' });
    const a = r.raise('data-fault');
    await r.app.notify!.settle();
    expect(r.rows(a.id)[0]!.lastError).toMatch(/^timeout/);
    expect(f.delivered).toHaveLength(1);
    clock.now = T0 + 60_000;
    await r.app.notify!.settle();
    expect(f.delivered).toHaveLength(1);
    expect(f.queries).toEqual([{ PhoneNumber: '13800000002', SendDate: '20260303', PageSize: '50', CurrentPage: '1' }]);
    expect(r.rows(a.id)[0]!.status).toBe('sent');
  });
});
