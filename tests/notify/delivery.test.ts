// The durable outbox and its sender over the real app: retries with a backoff kept in the row,
// fallback to the next channel and the next rung, a hung provider cut off by its AbortSignal
// without slowing ingest, bounded concurrency, resume after a restart, the ladder stopped by
// an API acknowledgement, and the outbox channel when no provider is configured.
import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../src/notify/types.ts';
import { AppRun, MIN, T0 } from './app-harness.ts';

const noCheckIn = { notify: { policy: { checkIn: { enabled: false } } } };

describe('delivery', () => {
  it('every notification is stored before it is sent; a retryable failure is retried after a durable backoff', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } }, retry: { baseSeconds: 30 } } } }).seed();
    r.rec.script.set('13800000002', ['retry', 'retry']);
    const a = r.raise();
    r.app.notify!.plan(a.id);
    // Before any send, the row exists (persist first) with its signed link in the text.
    const queued = r.rows(a.id);
    expect(queued.map((n) => `${n.step} ${n.status}`)).toEqual(['rung-1 pending']);
    expect(queued[0]!.body).toMatch(/确认请点 https:\/\/anxin\.example\.cn\/a\/\S+ 或回复 1/);
    expect(r.rec.attempts).toEqual([]);
    await r.app.notify!.settle();
    let row = r.rows(a.id)[0]!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: T0 + 30_000, lastError: 'http-503: provider down' });
    await r.advance(T0 + 29_000);
    expect(r.rec.attempts).toHaveLength(1); // not before its time
    r.clock.now = T0 + 30_000;
    await r.app.notify!.settle();
    row = r.rows(a.id)[0]!;
    expect(row).toMatchObject({ attempts: 2, nextAttemptAt: T0 + 30_000 + 60_000 }); // 30 s, then 60 s
    r.clock.now = T0 + 90_000;
    await r.app.notify!.settle();
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect(r.app.store.outbox.attempts(row.id).map((x) => `${x.ok ? 'ok' : x.code} ${x.at - T0}`)).toEqual(['http-503 0', 'http-503 30000', 'ok 90000']);
    expect(r.app.metrics.render()).toContain('anxin_notification_retries_total{channel="sms",provider="recorder"} 2');
    await r.app.stop();
  });

  it("a channel that fails for good falls back to the contact's next channel; when none is left the next rung is told at once", async () => {
    const r = new AppRun(undefined, { config: noCheckIn }).seed();
    r.rec.script.set('13800000002', ['fail']); // the grid worker's SMS: bad number
    r.rec.script.set('wechat:13800000002', ['fail']); // and WeChat: not followed
    const a = r.raise();
    await r.app.notify!.settle();
    const rows = r.rows(a.id);
    expect(rows.map((n) => `${n.step} ${n.status} ${n.channels[n.channelIndex]}`)).toEqual(['rung-1 failed wechat', 'rung-2 sent sms']);
    expect(r.rec.attempts.map((x) => x.key.split(':').slice(1).join(':').replace(/ct-\w+/, 'ct'))).toEqual(['rung-1:ct:sms', 'rung-1:ct:wechat', 'rung-2:ct:sms']);
    expect(r.rec.lines()).toEqual(['rung-2→13700000003 sms']);
    expect(r.app.store.alerts.history(a.id).map((e) => e.kind)).toContain('notification-failed');
    expect(r.app.metrics.render()).toContain('anxin_notifications_failed_total{channel="sms",provider="recorder"} 1');
    await r.app.stop();
  });

  it('a hung provider is cut off by the per-send timeout (AbortSignal) and retried; ingest does not wait for it', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } }, sendTimeoutMs: 200 } } }).seed();
    r.rec.script.set('13800000002', ['hang']);
    const a = r.raise();
    r.app.notify!.tick(); // starts the send; it hangs
    // Meanwhile readings are processed at once: delivery runs beside the core.
    const before = r.app.metrics.readingsAccepted.get();
    r.app.monitor.onReadings([{ meterId: 'm-1', ts: T0, receivedAt: T0, totalLiters: 100 }]);
    expect(r.app.metrics.readingsAccepted.get()).toBe(before + 1);
    await r.app.notify!.settle();
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/^timeout/) });
    r.clock.now += 60_000;
    await r.app.notify!.settle();
    expect(r.rows(a.id)[0]!.status).toBe('sent');
    await r.app.stop();
  });

  it('a notifier that throws before returning a promise: each try is a recorded failed attempt, until maxAttempts', async () => {
    const broken = {
      kind: 'sms' as const,
      provider: 'broken',
      send: (): Promise<SendResult> => {
        throw new Error('template not configured');
      },
    };
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } }, retry: { maxAttempts: 3, baseSeconds: 30 } } }, notifiers: new Map([['sms', broken]]) }).seed();
    const a = r.raise();
    await r.advance(T0 + 30 * MIN);
    const [row] = r.rows(a.id).filter((n) => n.step === 'rung-1');
    // Before: re-queued as "crashed" without counting, retried for ever with no attempt rows.
    expect(r.app.store.outbox.attempts(row!.id).map((x) => `${x.channel} ${x.code}`)).toEqual(['sms exception', 'sms exception', 'sms exception', 'wechat channel-not-configured']);
    // Failed for good on every channel: the next rung is told (and fails the same way here).
    expect(r.rows(a.id).map((n) => `${n.step} ${n.status}`)).toEqual(['rung-1 failed', 'rung-2 failed']);
    await r.app.stop();
  });

  it('at most `concurrency` sends are in flight at once', async () => {
    let inFlight = 0;
    let peak = 0;
    // Each send waits until the test releases it (one per event-loop turn), not on a timer.
    const waiting: (() => void)[] = [];
    const slow = {
      kind: 'sms' as const,
      provider: 'slow',
      send: async (): Promise<SendResult> => {
        peak = Math.max(peak, ++inFlight);
        await new Promise<void>((res) => waiting.push(res));
        inFlight--;
        return { ok: true };
      },
    };
    let releasing = true;
    const release = () => {
      waiting.shift()?.();
      if (releasing) setImmediate(release);
    };
    setImmediate(release);
    const many = Array.from({ length: 7 }, (_, i) => ({ name: `网格员${i}`, role: 'grid-worker' as const, phone: `1380000010${i}` }));
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } }, concurrency: 2 } }, notifiers: new Map([['sms', slow]]) }).seed(many);
    const a = r.raise();
    await r.app.notify!.settle();
    releasing = false;
    expect(r.rows(a.id).filter((n) => n.status === 'sent')).toHaveLength(7);
    expect(peak).toBe(2);
    await r.app.stop();
  });

  it('a send in flight when the process stopped goes again after the restart, with the same idempotency key, exactly once', async () => {
    const first = new AppRun(undefined, { config: noCheckIn }).seed();
    const a = first.raise();
    first.app.notify!.plan(a.id);
    // Simulate a crash mid-send: the row was claimed (status sending) and the process died.
    const row = first.rows(a.id)[0]!;
    expect(first.app.store.outbox.claim(row.id)).toBe(true);
    first.app.store.close();
    const second = new AppRun(first.path, { clock: first.clock, rec: first.rec, config: noCheckIn });
    await second.app.notify!.settle();
    expect(second.rows(a.id).map((n) => `${n.step} ${n.status}`)).toEqual(['rung-1 sent']);
    expect(second.rec.attempts.map((x) => x.key)).toEqual([`${row.idemKey}:sms`]);
    await second.advance(T0 + 19 * MIN);
    expect(second.rec.sent).toHaveLength(1);
    await second.app.stop();
  });

  it('a send that timed out is in doubt (the provider may have it): an acknowledgement meanwhile does not cancel it; it goes again once, under the same key', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } }, sendTimeoutMs: 200 } } }).seed();
    r.rec.script.set('13800000002', ['hang']);
    const a = r.raise();
    r.app.notify!.tick();
    await r.app.notify!.settle(); // timed out: no answer, outcome unknown
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'pending', inDoubt: true });
    const res = await r.app.http.inject({ method: 'POST', url: `/api/alerts/${a.id}/ack`, payload: { by: '社区值班 张' } });
    expect(res.statusCode).toBe(200);
    expect(r.rows(a.id)[0]!.status).toBe('pending');
    await r.advance(T0 + 60 * MIN);
    expect(r.rows(a.id).map((n) => `${n.step} ${n.status}`)).toEqual(['rung-1 sent']);
    // Both attempts carried one key: a provider that de-duplicates delivers it once.
    expect(new Set(r.rec.attempts.map((x) => x.key)).size).toBe(1);
    expect(r.rec.sent).toHaveLength(1);
    await r.app.stop();
  });

  it('an API acknowledgement stops the ladder: queued messages are cancelled, no rung follows; who, how and when are recorded', async () => {
    const r = new AppRun(undefined, { config: noCheckIn }).seed();
    r.rec.script.set('13800000002', ['retry']);
    const a = r.raise();
    await r.app.notify!.settle(); // the grid worker's SMS waits for its retry
    r.clock.now = T0 + 10_000;
    const res = await r.app.http.inject({ method: 'POST', url: `/api/alerts/${a.id}/ack`, payload: { by: '社区值班 张', note: '已电话联系' } });
    expect(res.statusCode).toBe(200);
    await r.advance(T0 + 60 * MIN);
    expect(r.rec.sent).toEqual([]);
    expect(r.rows(a.id).map((n) => `${n.step} ${n.status}`)).toEqual(['rung-1 cancelled']);
    expect(r.app.store.alerts.history(a.id).find((e) => e.kind === 'acknowledged')).toEqual({ alertId: a.id, at: T0 + 10_000, kind: 'acknowledged', by: '社区值班 张', note: 'via api: 已电话联系' });
    // The dashboard says it was the dashboard.
    const b = r.raise('surge');
    await r.app.http.inject({ method: 'POST', url: `/api/alerts/${b.id}/ack`, payload: { by: '网格员 陈', via: 'dashboard' } });
    expect(r.app.store.alerts.history(b.id).find((e) => e.kind === 'acknowledged')?.note).toBe('via dashboard');
    await r.app.stop();
  });

  it('without provider credentials (the embedded default) every message goes to the outbox channel: stored, and logged masked', async () => {
    const r = new AppRun(undefined, { notifiers: false, config: noCheckIn }).seed();
    const a = r.raise();
    await r.app.notify!.settle();
    expect(r.rows(a.id)[0]).toMatchObject({ status: 'sent', provider: 'outbox' });
    const line = r.logs.find((l) => l.msg === 'outbox: message stored (no provider configured for this channel)')!;
    expect(line).toMatchObject({ channel: 'sms', to: '陈** 138****0002' });
    expect(String(line.text)).toContain('王**');
    expect(JSON.stringify(r.logs)).not.toContain('13800000002');
    expect(JSON.stringify(r.logs)).not.toContain('王秀英');
    await r.app.stop();
  });
});

describe('stopping', () => {
  it('a stop aborts a hung send at once (no 15 s wait); it is retried after the restart, once', async () => {
    const first = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } }, sendTimeoutMs: 60_000 } } }).seed();
    first.rec.script.set('13800000002', ['hang']);
    const a = first.raise();
    first.app.notify!.tick();
    expect(first.app.store.outbox.forAlert(a.id)[0]!.status).toBe('sending');
    await first.app.stop(); // would outlast the test's 5 s timeout if it waited for the 60 s send timeout
    const second = new AppRun(first.path, { clock: first.clock, rec: first.rec, config: { notify: { policy: { checkIn: { enabled: false } } } } });
    expect(second.rows(a.id)[0]).toMatchObject({ status: 'pending', lastError: 'aborted: the service was stopping' });
    second.clock.now += 60_000;
    await second.app.notify!.settle();
    expect(second.rec.lines()).toEqual(['rung-1→13800000002 sms']);
    await second.app.stop();
  });
});

describe('quiet hours in the configured time zone', () => {
  const night = Date.parse('2026-03-03T23:30:00+08:00');
  it('a leak at 23:30 in Shanghai waits for 07:00 there; the same instant in UTC (15:30) goes at once', async () => {
    const cn = new AppRun(undefined, { clock: { now: night } }).seed();
    const a = cn.raise('leak');
    await cn.advance(night + 7 * 60 * MIN + 29 * MIN); // 06:59
    expect(cn.rec.sent).toEqual([]);
    await cn.advance(night + 7 * 60 * MIN + 31 * MIN); // 07:01
    expect(cn.rec.lines()).toEqual(['rung-0→13900000001 sms']);
    expect(cn.rec.sent[0]!.at).toBe(Date.parse('2026-03-04T07:00:00+08:00'));
    expect(cn.rows(a.id)).toHaveLength(1);
    await cn.app.stop();

    const utc = new AppRun(undefined, { clock: { now: night }, config: { notify: { timeZone: 'UTC' } } }).seed();
    utc.raise('leak');
    await utc.app.notify!.settle();
    expect(utc.rec.lines()).toEqual(['rung-0→13900000001 sms']);
    await utc.app.stop();
  });
});
