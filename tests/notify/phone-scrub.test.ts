// "Phone numbers masked in logs and UI." A provider's error text may quote the number it refused,
// so the dispatcher scrubs it before it is logged or stored (dispatcher.ts scrubPhones) — but only
// mainland mobiles (1 + 10 digits) are recognised. Contacts may be other numbers the channels
// explicitly support (phone.ts: "E.164 digits without '+' (… 85261234567)", a family member in
// Hong Kong; landlines, which maskPhone's own comment calls common for elders living alone). When
// the provider quotes such a number, it is written whole to the log, to notification_attempts and
// lastError, and served by GET /api/alerts/:id/notifications.
// Guards the fix: the dispatcher masks any phone-like number in a provider's answer, the
// recipient's own in whatever form (src/domain/mask-text.ts), consistently with maskPhone.
import { afterEach, describe, expect, it } from 'vitest';
import type { Notifier, SendResult } from '../../src/notify/types.ts';
import { AppRun } from './app-harness.ts';

const HK = '85261234567';

/** An SMS provider that refuses the number and, as Tencent and Alibaba do, names it. */
const refusing: Notifier = {
  kind: 'sms',
  provider: 'tencent-sms',
  async send(msg): Promise<SendResult> {
    return { ok: false, retryable: false, code: 'InvalidParameterValue.IncorrectPhoneNumber', message: `PhoneNumber +${msg.to.phone} is not a valid number for this template` };
  },
};

let run: AppRun | undefined;
afterEach(async () => {
  await run?.app.stop();
  run = undefined;
});

describe('hostile data in provider answers: phone numbers', () => {
  it('masks a Hong Kong contact number quoted by the provider, in the log and in the notifications API', async () => {
    run = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } }, notifiers: new Map([['sms', refusing]]) });
    run.seed([{ name: '陈网格', role: 'grid-worker', phone: HK, channels: ['sms'] }]);
    const alert = run.raise('no-usage');
    await run.app.notify!.settle();
    const rows = run.rows(alert.id);
    expect(rows.some((n) => n.status === 'failed')).toBe(true); // the provider was asked and refused

    const res = await run.app.http.inject({ method: 'GET', url: `/api/alerts/${alert.id}/notifications` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('IncorrectPhoneNumber');
    expect(res.body, 'GET /api/alerts/:id/notifications').not.toContain(HK);
    const logged = run.logs.map((l) => JSON.stringify(l)).filter((l) => l.includes(HK));
    expect(logged, 'log lines with the whole number').toEqual([]);
  });
});
