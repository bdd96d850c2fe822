// README, Notifications, "Delivery": every message has "a unique idempotency key
// alert:step:contact (the provider gets …:channel), so a step reaches a person once whatever
// restarts happen"; the team's promise: "a request in doubt must not be sent twice nor dropped".
// Tencent SendSms does not de-duplicate (its SessionContext is only echoed back —
// src/notify/channels/tencent-sms.ts says so itself), and neither does Alibaba's SendSms. When
// Tencent accepts and delivers a message but its answer is late (the channel's timeout fires:
// in doubt), the dispatcher simply sends it again 30 s later: the grid worker gets the same
// alert SMS twice (and pays for two). Nothing asks the provider whether the first one went out
// (PullSmsSendStatus / the receipt matched by SessionContext) before re-sending.
import { afterEach, describe, expect, it } from 'vitest';
import { startFake, type Fake } from '../notify/fakes/server.ts';
import { AppRun, T0 } from '../notify/app-harness.ts';

let fake: Fake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('an SMS whose answer was late but which the provider delivered', () => {
  it('reaches the grid worker once', async () => {
    const clock = { now: T0 };
    const delivered: { phone: string; session: string }[] = [];
    let calls = 0;
    // A Tencent SendSms endpoint that delivers every message; its first answer never comes in time.
    fake = await startFake((req) => {
      const b = JSON.parse(req.raw.toString('utf8'));
      delivered.push({ phone: b.PhoneNumberSet[0], session: b.SessionContext });
      const answer = { status: 200, body: { Response: { SendStatusSet: [{ SerialNo: `sn-${delivered.length}`, PhoneNumber: b.PhoneNumberSet[0], Fee: 1, SessionContext: b.SessionContext, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }], RequestId: `req-${delivered.length}` } } };
      return calls++ === 0 ? new Promise<typeof answer>(() => {}) : answer;
    });
    const r = new AppRun(undefined, {
      clock,
      notifiers: false,
      config: {
        notify: {
          policy: { checkIn: { enabled: false } },
          channels: {
            timeoutMs: 150,
            tencent: {
              secretId: 'AKIDanxin',
              secretKey: 'sk-anxin',
              sms: { sdkAppId: '1400009999', signName: '安心', baseUrl: fake.url, templates: { alert: { id: '200001', params: ['name', 'what', 'since', 'token'] } } },
            },
          },
        },
      },
    });
    const s = r.app.store;
    s.households.create({ id: 'hh-1', name: '王秀英', address: '莲花路 12 号', gridId: 'futian-01' }, clock.now);
    s.households.giveConsent('hh-1', { consentedBy: '王秀英', consentedAt: clock.now, scope: ['water-monitoring'] });
    s.meters.provision('m-1', 'hh-1', clock.now);
    s.contacts.add('hh-1', { name: '陈网格', role: 'grid-worker', phone: '13800000002' });

    const a = r.raise('data-fault');
    await r.app.notify!.settle(); // delivered, but the answer is late: timeout, in doubt
    expect(delivered).toHaveLength(1);
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'pending', inDoubt: true });

    clock.now = T0 + 5 * 60_000; // well past the 30 s backoff
    await r.app.notify!.settle();
    expect(delivered.map((d) => d.phone)).toEqual(['+8613800000002']);
    await r.app.stop();
  });
});
