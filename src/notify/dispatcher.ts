// The sender: takes due rows from the durable outbox and hands each to its channel, beside the
// core (ingest and detection never wait on it). Bounded: at most `concurrency` sends in flight,
// each cut off after `timeoutMs` through its AbortSignal (and abandoned even if a provider
// ignores the signal). Every attempt is a row; a retryable failure is tried again after a
// backoff kept in the row (next_attempt_at), so retries survive restarts — which is why this is
// not an in-memory retry library; a failure for good moves to the contact's next channel, and
// when none is left the row fails and the planner is woken to move to the next rung.
import type { Logger } from 'pino';
import { maskName, maskPhone } from '../domain/household.ts';
import { maskPhonesIn } from '../domain/mask-text.ts';
import type { Alert } from '../domain/alert.ts';
import type { AlertsRepo } from '../store/alerts.ts';
import type { NotificationRow, OutboxRepo } from '../store/outbox.ts';
import type { Counter } from '../observability/registry.ts';
import type { ChannelKind, DeliveryCheck, Notifier, OutgoingMessage, Recipient, SendResult } from './types.ts';

/** Failures after which the provider may still have delivered the message. */
const AMBIGUOUS = /^(timeout|aborted|exception|network|bad-response|http-504)$/;

export interface DispatcherDeps {
  outbox: OutboxRepo;
  alerts: Pick<AlertsRepo, 'get' | 'addEvent'>;
  notifiers: ReadonlyMap<ChannelKind, Notifier>;
  clock: () => number;
  logger: Logger;
  metrics: { notificationsSent: Counter<'channel' | 'provider'>; notificationsFailed: Counter<'channel' | 'provider'>; notificationRetries: Counter<'channel' | 'provider'> };
  concurrency: number;
  timeoutMs: number;
  retry: { maxAttempts: number; baseSeconds: number; maxSeconds: number };
  /** The alert's household withdrew consent: nothing more goes out about it, not even an
   *  all-clear or the retry of a message in doubt (processing stops, PIPL Art. 15). */
  consentWithdrawn(alert: Alert): boolean;
  /** A row reached a final state (sent, failed, cancelled): the planner may have something to do. */
  onSettled(alertId: string): void;
  /** Heard after each delivery or final failure on a channel (the live board, history in InfluxDB). */
  onDelivery?(e: DeliveryEvent): void;
}

export interface DeliveryEvent {
  alertId: string;
  outcome: 'sent' | 'failed';
  channel: ChannelKind;
  provider: string;
  at: number;
}

/** "grid-worker 陈** 138****8000" — who a row is for, as logs and the timeline may show it. */
export function recipientLabel(r: Recipient): string {
  return [r.name ? maskName(r.name) : r.id, r.phone ? maskPhone(r.phone) : undefined].filter(Boolean).join(' ');
}

/** A provider's error text may quote the number it refused: masked before it is logged or stored
 *  (any phone-like number, `known` ones — the recipient's — in whatever form; src/domain/mask-text.ts). */
export const scrubPhones = (text: string, known: readonly (string | undefined)[] = []): string => maskPhonesIn(text, known);

/** Exponential backoff: base, 2×base, 4×base … capped; a provider's Retry-After wins when longer. */
export function backoffMs(attempt: number, retry: DispatcherDeps['retry'], retryAfterMs?: number): number {
  const exp = Math.min(retry.maxSeconds, retry.baseSeconds * 2 ** Math.max(0, attempt - 1)) * 1000;
  return Math.max(exp, retryAfterMs ?? 0);
}

export function createDispatcher(d: DispatcherDeps) {
  const running = new Set<Promise<void>>();
  const controllers = new Set<AbortController>();
  const anyReal = [...d.notifiers.values()].some((n) => n.provider !== 'outbox');
  let stopped = false;

  const event = (n: NotificationRow, kind: 'notification-sent' | 'notification-failed' | 'notification-cancelled', note: string) =>
    d.alerts.addEvent({ alertId: n.alertId, at: d.clock(), kind, by: 'notify', note: `${n.step} → ${recipientLabel(JSON.parse(n.recipient) as Recipient)}: ${note}` });

  /** One provider call, cut off after timeoutMs (and on stop) even if the provider ignores its signal. */
  async function bounded<T>(call: (signal: AbortSignal) => Promise<T>, onThrow: (err: unknown) => T, cut: (timedOut: boolean) => T): Promise<T> {
    const ac = new AbortController();
    controllers.add(ac);
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), ac.abort(new Error('send timeout'))), d.timeoutMs);
    // Settles on abort even when a provider ignores its signal: a hung call never holds a slot.
    const cutOff = new Promise<T>((resolve) => ac.signal.addEventListener('abort', () => resolve(cut(timedOut)), { once: true }));
    try {
      // Through a promise, so a notifier that throws before returning one (not an async
      // function) is one failed attempt too: counted, recorded, retried within maxAttempts.
      return await Promise.race([Promise.resolve().then(() => call(ac.signal)).catch(onThrow), cutOff]);
    } finally {
      clearTimeout(timer);
      controllers.delete(ac);
    }
  }

  const sendOnce = (notifier: Notifier, msg: OutgoingMessage): Promise<SendResult> =>
    bounded<SendResult>(
      (signal) => notifier.send(msg, signal),
      (err) => ({ ok: false, retryable: true, code: 'exception', message: String((err as Error)?.message ?? err) }),
      (timedOut) => (timedOut ? { ok: false, retryable: true, code: 'timeout', message: `no answer within ${d.timeoutMs} ms` } : { ok: false, retryable: true, code: 'aborted', message: 'the service was stopping' }),
    );

  const checkOnce = (check: NonNullable<Notifier['check']>, msg: OutgoingMessage, sinceMs: number): Promise<DeliveryCheck> =>
    bounded<DeliveryCheck>(
      (signal) => check(msg, sinceMs, signal),
      (err) => ({ status: 'unknown', code: 'exception', message: String((err as Error)?.message ?? err) }),
      (timedOut) => ({ status: 'unknown', code: timedOut ? 'timeout' : 'aborted', message: timedOut ? `no answer within ${d.timeoutMs} ms` : 'the service was stopping' }),
    );

  /**
   * An attempt in doubt (a timeout, a 504, a crash mid-send) on a provider that does not
   * de-duplicate: its own records decide before anything is sent again. true = settled here
   * (delivered, or possibly told and moved on); false = the records show nothing: send it.
   */
  async function settledByCheck(n: NotificationRow, notifier: Notifier, msg: OutgoingMessage): Promise<boolean> {
    const channel = msg.channel;
    const tried = d.outbox.attempts(n.id).filter((a) => a.channel === channel).map((a) => a.at);
    const lastTry = tried.length ? Math.max(...tried) : n.createdAt;
    // Receipts take time: asked too early, the answer would prove nothing. Not an attempt.
    const askAt = lastTry + (notifier.checkAfterMs ?? 0);
    if (d.clock() < askAt) {
      d.outbox.save({ ...n, status: 'pending', nextAttemptAt: askAt });
      return true;
    }
    const t0 = performance.now();
    const verdict = await checkOnce(notifier.check!, msg, Math.min(n.createdAt, ...tried));
    const now = d.clock();
    if (verdict.status === 'unknown') {
      verdict.message = scrubPhones(verdict.message, [msg.to.phone]).slice(0, 500);
      verdict.code = scrubPhones(verdict.code, [msg.to.phone]).slice(0, 100);
    }
    const note = verdict.status === 'unknown' ? `${verdict.code}: ${verdict.message}` : verdict.status;
    d.outbox.addAttempt({ notificationId: n.id, at: now, channel, provider: notifier.provider, ok: verdict.status === 'sent', code: `status-query`, message: note.slice(0, 500), durationMs: Math.round(performance.now() - t0) });
    const labels = { channel, provider: notifier.provider };
    const who = recipientLabel(msg.to);
    if (verdict.status === 'not-sent') {
      d.outbox.clearInDoubt(n.id);
      d.logger.info({ alertId: n.alertId, step: n.step, to: who, channel }, 'the provider has no record of the attempt in doubt: sending it again');
      return false;
    }
    if (verdict.status === 'sent') {
      d.outbox.save({ ...n, status: 'sent', settledAt: now, provider: notifier.provider, ...(verdict.providerMessageId && { providerMessageId: verdict.providerMessageId }) });
      d.metrics.notificationsSent.inc(labels);
      event(n, 'notification-sent', `${channel} (${notifier.provider}, confirmed by its records after an answer that did not come)`);
      d.onDelivery?.({ alertId: n.alertId, outcome: 'sent', channel, provider: notifier.provider, at: now });
      d.logger.info({ alertId: n.alertId, step: n.step, to: who, channel, provider: notifier.provider }, 'notification in doubt was delivered (provider records)');
      d.onSettled(n.alertId);
      return true;
    }
    // Cannot tell: not sent again on this channel (it may be on their phone), counted as possibly
    // told (in doubt stays set: the all-clear follows), and the contact's next channel or the next
    // rung takes over.
    d.metrics.notificationsFailed.inc(labels);
    d.logger.warn({ alertId: n.alertId, step: n.step, to: who, channel, code: verdict.code }, 'could not learn whether the notification in doubt went out; not sending it again on this channel');
    const lastError = `in doubt, unconfirmed (${note})`.slice(0, 500);
    if (n.channelIndex + 1 < n.channels.length) {
      d.outbox.save({ ...n, status: 'pending', attempts: 0, channelIndex: n.channelIndex + 1, nextAttemptAt: now, provider: notifier.provider, lastError });
      return true;
    }
    d.outbox.save({ ...n, status: 'failed', settledAt: now, provider: notifier.provider, lastError });
    event(n, 'notification-failed', `${channel} in doubt, unconfirmed`);
    d.onDelivery?.({ alertId: n.alertId, outcome: 'failed', channel, provider: notifier.provider, at: now });
    d.onSettled(n.alertId);
    return true;
  }

  async function attempt(n: NotificationRow): Promise<void> {
    const alert = d.alerts.get(n.alertId);
    // Consent withdrawn since it was queued: checked at the last moment, whatever the row is
    // (an all-clear deferred to the morning, a retry of a send in doubt).
    if (alert && d.consentWithdrawn(alert)) {
      d.outbox.save({ ...n, status: 'cancelled', settledAt: d.clock() });
      event(n, 'notification-cancelled', 'consent withdrawn before it was sent');
      d.onSettled(n.alertId);
      return;
    }
    // The ladder stopped while this waited (acknowledged, resolved): it never goes out — unless
    // it was in flight on this channel at a crash or a timeout and may have gone out already
    // (then the same key goes again). A fallback to the contact's next channel is not in doubt
    // there: it is a new message, and the person counts as possibly told (the all-clear follows).
    const inDoubtHere = n.inDoubt === true && (n.doubtChannel === undefined || n.doubtChannel === n.channelIndex);
    const stopped = (): boolean => {
      if (alert && (n.purpose === 'all-clear' || alert.status === 'open')) return false;
      d.outbox.save({ ...n, status: 'cancelled', settledAt: d.clock() });
      event(n, 'notification-cancelled', alert ? `alert ${alert.status} before it was sent` : 'alert gone');
      d.onSettled(n.alertId);
      return true;
    };
    if (!inDoubtHere && stopped()) return;
    const channel = n.channels[n.channelIndex] as ChannelKind;
    const notifier = d.notifiers.get(channel) ?? d.notifiers.get('outbox');
    if (!notifier) throw new Error(`no notifier for channel '${channel}' and no outbox channel`);
    const msg: OutgoingMessage = {
      // Stable per (alert, step, recipient, channel): a resend after a crash is not a second message.
      idempotencyKey: `${n.idemKey}:${channel}`,
      channel,
      to: JSON.parse(n.recipient) as Recipient,
      lang: n.lang,
      template: n.template,
      params: n.params,
      text: n.body,
    };
    if (inDoubtHere && notifier.check) {
      if (await settledByCheck(n, notifier, msg)) return;
      // Its records show nobody was told: an ordinary pending message again, so an alert closed
      // meanwhile stops it (the provider kept no copy that this send would de-duplicate).
      n = { ...n };
      delete n.inDoubt;
      delete n.doubtChannel;
      if (stopped()) return;
    }
    const t0 = performance.now();
    // Once any real provider is configured, a channel left on the outbox reaches nobody: it must
    // not count as delivered (the contact's next channel, then the next rung, must take over).
    // With no provider at all (the embedded default) the outbox is the point: it stores and logs.
    const res: SendResult =
      anyReal && notifier.provider === 'outbox'
        ? { ok: false, retryable: false, code: 'channel-not-configured', message: `no provider is configured for '${channel}'` }
        : await sendOnce(notifier, msg);
    const now = d.clock();
    const labels = { channel, provider: notifier.provider };
    // Masked once, here, before the message reaches a row, a log line or the API; and bounded.
    if (!res.ok) {
      res.message = scrubPhones(res.message, [msg.to.phone]).slice(0, 500);
      res.code = scrubPhones(res.code, [msg.to.phone]).slice(0, 100);
    }
    d.outbox.addAttempt({
      notificationId: n.id,
      at: now,
      channel,
      provider: notifier.provider,
      ok: res.ok,
      ...(!res.ok && { code: res.code, message: res.message.slice(0, 500) }),
      durationMs: Math.round(performance.now() - t0),
    });
    const who = recipientLabel(msg.to);
    if (res.ok) {
      d.outbox.save({ ...n, status: 'sent', attempts: n.attempts + 1, settledAt: now, provider: notifier.provider, ...(res.providerMessageId !== undefined && { providerMessageId: res.providerMessageId }) });
      d.metrics.notificationsSent.inc(labels);
      event(n, 'notification-sent', `${channel} (${notifier.provider})`);
      d.onDelivery?.({ alertId: n.alertId, outcome: 'sent', channel, provider: notifier.provider, at: now });
      d.logger.info({ alertId: n.alertId, step: n.step, to: who, channel, provider: notifier.provider }, 'notification sent');
      d.onSettled(n.alertId);
      return;
    }
    const attempts = n.attempts + 1;
    // The provider may have taken it (no answer, a dropped connection, a 5xx): in doubt, so a
    // resolution meanwhile does not cancel it and the retry goes under the same key.
    if (res.retryable && AMBIGUOUS.test(res.code)) d.outbox.markInDoubt(n.id);
    if (res.retryable && attempts < d.retry.maxAttempts) {
      const next = now + backoffMs(attempts, d.retry, res.retryAfterMs);
      d.outbox.save({ ...n, status: 'pending', attempts, nextAttemptAt: next, provider: notifier.provider, lastError: `${res.code}: ${res.message}` });
      d.metrics.notificationRetries.inc(labels);
      d.logger.warn({ alertId: n.alertId, step: n.step, to: who, channel, code: res.code, retryAt: new Date(next).toISOString() }, 'notification attempt failed, will retry');
      return;
    }
    d.metrics.notificationsFailed.inc(labels);
    d.logger.warn({ alertId: n.alertId, step: n.step, to: who, channel, code: res.code, message: res.message }, 'notification failed on this channel');
    if (n.channelIndex + 1 < n.channels.length) {
      // [falls back to the next channel]: the contact's next preference, at once.
      d.outbox.save({ ...n, status: 'pending', attempts: 0, channelIndex: n.channelIndex + 1, nextAttemptAt: now, provider: notifier.provider, lastError: `${res.code}: ${res.message}` });
      return;
    }
    d.outbox.save({ ...n, status: 'failed', attempts, settledAt: now, provider: notifier.provider, lastError: `${res.code}: ${res.message}` });
    event(n, 'notification-failed', `${channel} ${res.code}`);
    d.onDelivery?.({ alertId: n.alertId, outcome: 'failed', channel, provider: notifier.provider, at: now });
    // [or contact]: the planner sees the rung unreachable and moves on.
    d.onSettled(n.alertId);
  }

  function pump(): void {
    if (stopped) return;
    const free = d.concurrency - running.size;
    if (free <= 0) return;
    for (const n of d.outbox.due(d.clock(), free)) {
      if (!d.outbox.claim(n.id)) continue;
      const p: Promise<void> = attempt({ ...n, status: 'sending' })
        .catch((err: unknown) => {
          // Settled before the throw (sent, failed, cancelled, or handed back as pending): that
          // stands. Only the bookkeeping after it failed (the timeline entry, a metric), and
          // re-queuing a message the provider accepted would send it twice.
          const now = d.outbox.get(n.id);
          if (now && now.status !== 'sending') {
            d.logger.error({ err, notificationId: n.id, status: now.status }, 'recording a settled notification failed; it is not sent again');
            // The ladder still hears that this step settled (it plans the next one).
            if (now.status !== 'pending') {
              try {
                d.onSettled(n.alertId);
              } catch (planErr) {
                d.logger.error({ err: planErr, alertId: n.alertId }, 'planning after a settled notification failed; its wake-up plans it again');
              }
            }
            return;
          }
          d.logger.error({ err, notificationId: n.id }, 'notification send crashed; it will be retried');
          d.outbox.markInDoubt(n.id);
          d.outbox.save({ ...n, status: 'pending', nextAttemptAt: d.clock() + backoffMs(n.attempts + 1, d.retry) });
        })
        .finally(() => {
          running.delete(p);
          pump();
        });
      running.add(p);
    }
  }

  return {
    pump,
    inFlight: () => running.size,
    /** Resolves when nothing is in flight (sends started while waiting are awaited too). */
    async idle(): Promise<void> {
      while (running.size) await Promise.allSettled([...running]);
    },
    /** Stops taking rows; sends in flight are aborted (recorded as retryable, so they resume after a restart). */
    async stop(): Promise<void> {
      stopped = true;
      for (const ac of controllers) ac.abort(new Error('stopping'));
      await Promise.allSettled([...running]);
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
