// The durable outbox: every notification is a row before it is sent, every attempt is a row,
// and the planner's next look at an alert is a row. The idempotency key is UNIQUE, so a step
// is queued for a person once, whatever restarts happen (design.md: persist before you notify).
import type { Database } from 'better-sqlite3';
import type { NotificationPurpose, NotificationStatus } from '../alerting/escalation.ts';

export interface NotificationRow {
  id: number;
  alertId: string;
  step: string;
  purpose: NotificationPurpose;
  rung: number;
  contactId: string;
  idemKey: string;
  /** JSON of the Recipient (src/notify/types.ts). */
  recipient: string;
  channels: string[];
  channelIndex: number;
  lang: 'zh-CN' | 'en';
  template: string;
  params: Record<string, string>;
  body: string;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  settledAt?: number;
  provider?: string;
  providerMessageId?: string;
  lastError?: string;
  /** It was in flight at a crash (it may have reached the provider): it goes out even if its alert closed since. */
  inDoubt?: true;
  /** The channel index the doubt arose on (absent: its current one). A fallback to a later
   *  channel is a fresh message there, and the person counts as possibly told. */
  doubtChannel?: number;
}

export type NewNotification = Pick<
  NotificationRow,
  'alertId' | 'step' | 'purpose' | 'rung' | 'contactId' | 'idemKey' | 'recipient' | 'channels' | 'lang' | 'template' | 'params' | 'body' | 'nextAttemptAt' | 'createdAt'
>;

export interface AttemptRow {
  notificationId: number;
  at: number;
  channel: string;
  provider: string;
  ok: boolean;
  code?: string;
  message?: string;
  durationMs: number;
}

interface Raw {
  id: number;
  alert_id: string;
  step: string;
  purpose: NotificationPurpose;
  rung: number;
  contact_id: string;
  idem_key: string;
  recipient: string;
  channels: string;
  channel_index: number;
  lang: 'zh-CN' | 'en';
  template: string;
  params: string;
  body: string;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  settled_at: number | null;
  provider: string | null;
  provider_message_id: string | null;
  last_error: string | null;
  in_doubt: number;
  doubt_channel: number | null;
}

function toRow(r: Raw): NotificationRow {
  const n: NotificationRow = {
    id: r.id,
    alertId: r.alert_id,
    step: r.step,
    purpose: r.purpose,
    rung: r.rung,
    contactId: r.contact_id,
    idemKey: r.idem_key,
    recipient: r.recipient,
    channels: JSON.parse(r.channels) as string[],
    channelIndex: r.channel_index,
    lang: r.lang,
    template: r.template,
    params: JSON.parse(r.params) as Record<string, string>,
    body: r.body,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
  };
  if (r.settled_at !== null) n.settledAt = r.settled_at;
  if (r.provider !== null) n.provider = r.provider;
  if (r.provider_message_id !== null) n.providerMessageId = r.provider_message_id;
  if (r.last_error !== null) n.lastError = r.last_error;
  if (r.in_doubt === 1) n.inDoubt = true;
  if (r.in_doubt === 1 && r.doubt_channel !== null) n.doubtChannel = r.doubt_channel;
  return n;
}

export function outboxRepo(db: Database) {
  const insert = db.prepare(
    `INSERT INTO notifications (alert_id, step, purpose, rung, contact_id, idem_key, recipient, channels, lang, template, params, body,
       status, next_attempt_at, created_at)
     VALUES (@alertId, @step, @purpose, @rung, @contactId, @idemKey, @recipient, @channels, @lang, @template, @params, @body,
       'pending', @nextAttemptAt, @createdAt)
     ON CONFLICT (idem_key) DO NOTHING`,
  );
  const setBody = db.prepare('UPDATE notifications SET body = ?, params = ? WHERE id = ?');
  const byId = db.prepare<[number], Raw>('SELECT * FROM notifications WHERE id = ?');
  const byAlert = db.prepare<[string], Raw>('SELECT * FROM notifications WHERE alert_id = ? ORDER BY id');
  const due = db.prepare<[number, number], Raw>(
    "SELECT * FROM notifications WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
  );
  const claim = db.prepare("UPDATE notifications SET status = 'sending' WHERE id = ? AND status = 'pending'");
  const markInDoubt = db.prepare('UPDATE notifications SET in_doubt = 1, doubt_channel = channel_index WHERE id = ?');
  const clearInDoubt = db.prepare('UPDATE notifications SET in_doubt = 0, doubt_channel = NULL WHERE id = ?');
  const update = db.prepare(
    `UPDATE notifications SET status = @status, attempts = @attempts, channel_index = @channelIndex, next_attempt_at = @nextAttemptAt,
       settled_at = @settledAt, provider = @provider, provider_message_id = @providerMessageId, last_error = @lastError
     WHERE id = @id`,
  );
  const addAttempt = db.prepare(
    `INSERT INTO notification_attempts (notification_id, at, channel, provider, ok, code, message, duration_ms)
     VALUES (@notificationId, @at, @channel, @provider, @ok, @code, @message, @durationMs)`,
  );
  const attemptsOf = db.prepare<[number], { notification_id: number; at: number; channel: string; provider: string; ok: number; code: string | null; message: string | null; duration_ms: number }>(
    'SELECT * FROM notification_attempts WHERE notification_id = ? ORDER BY id',
  );
  const cancelPending = db.prepare(
    "UPDATE notifications SET status = 'cancelled', settled_at = @at WHERE alert_id = @alertId AND status = 'pending' AND purpose != 'all-clear' " +
      'AND (in_doubt = 0 OR (doubt_channel IS NOT NULL AND doubt_channel != channel_index))',
  );
  const cancelAll = db.prepare("UPDATE notifications SET status = 'cancelled', settled_at = @at WHERE alert_id = @alertId AND status = 'pending'");
  const wakeSet = db.prepare('INSERT INTO notify_wakeups (alert_id, wake_at) VALUES (?, ?) ON CONFLICT (alert_id) DO UPDATE SET wake_at = excluded.wake_at');
  const wakeEarlier = db.prepare(
    'INSERT INTO notify_wakeups (alert_id, wake_at) VALUES (?, ?) ON CONFLICT (alert_id) DO UPDATE SET wake_at = min(wake_at, excluded.wake_at)',
  );
  const wakeDel = db.prepare('DELETE FROM notify_wakeups WHERE alert_id = ?');
  const wakesDue = db.prepare<[number], { alert_id: string }>('SELECT alert_id FROM notify_wakeups WHERE wake_at <= ? ORDER BY wake_at');
  const wakeOf = db.prepare<[string], { wake_at: number }>('SELECT wake_at FROM notify_wakeups WHERE alert_id = ?');
  const setting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putSetting = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');

  return {
    /** The new row, or undefined when this idempotency key was already queued (nothing written). */
    enqueue(n: NewNotification): NotificationRow | undefined {
      const r = insert.run({ ...n, channels: JSON.stringify(n.channels), params: JSON.stringify(n.params) });
      return r.changes ? toRow(byId.get(Number(r.lastInsertRowid))!) : undefined;
    },
    setBody(id: number, body: string, params: Record<string, string>): void {
      setBody.run(body, JSON.stringify(params), id);
    },
    get(id: number): NotificationRow | undefined {
      const r = byId.get(id);
      return r && toRow(r);
    },
    forAlert(alertId: string): NotificationRow[] {
      return byAlert.all(alertId).map(toRow);
    },
    due(now: number, limit: number): NotificationRow[] {
      return due.all(now, limit).map(toRow);
    },
    /** Pending → sending; false when another sender got it first. */
    claim(id: number): boolean {
      return claim.run(id).changes > 0;
    },
    save(n: NotificationRow): void {
      update.run({
        id: n.id,
        status: n.status,
        attempts: n.attempts,
        channelIndex: n.channelIndex,
        nextAttemptAt: n.nextAttemptAt,
        settledAt: n.settledAt ?? null,
        provider: n.provider ?? null,
        providerMessageId: n.providerMessageId ?? null,
        lastError: n.lastError ?? null,
      });
    },
    addAttempt(a: AttemptRow): void {
      addAttempt.run({ ...a, ok: a.ok ? 1 : 0, code: a.code ?? null, message: a.message ?? null });
    },
    attempts(notificationId: number): AttemptRow[] {
      return attemptsOf.all(notificationId).map((r) => ({
        notificationId: r.notification_id,
        at: r.at,
        channel: r.channel,
        provider: r.provider,
        ok: r.ok === 1,
        ...(r.code !== null && { code: r.code }),
        ...(r.message !== null && { message: r.message }),
        durationMs: r.duration_ms,
      }));
    },
    /** The ladder stopped (acknowledged or resolved): what has not gone out yet never will; all-clears stay. */
    cancelPending(alertId: string, at: number): number {
      return cancelPending.run({ alertId, at }).changes;
    },
    /** Consent withdrawn: processing stops, so nothing queued goes out — no all-clear, and no
     *  retry of a message in doubt either (the rule "who may have been told counts as told" is
     *  there to send them the all-clear, which is no longer allowed). */
    cancelAllPending(alertId: string, at: number): number {
      return cancelAll.run({ alertId, at }).changes;
    },
    /**
     * A send that was in flight when the process stopped may or may not have reached the
     * provider: it goes again with the same idempotency key (providers that take one drop the copy).
     * It is marked in doubt, so it is not cancelled if its alert closed meanwhile: a person who
     * may have been told must count as told, or they never get the all-clear (kill9-notify.test.ts).
     */
    /** A send whose outcome is unknown (a timeout, a dropped connection: the provider may have
     *  taken it): like a send in flight at a crash, it is never cancelled, only sent again
     *  under the same idempotency key. */
    markInDoubt(id: number): void {
      markInDoubt.run(id);
    },
    /** The provider's records show the earlier attempt never went out: nobody was told. */
    clearInDoubt(id: number): void {
      clearInDoubt.run(id);
    },
    /**
     * Alerts resolved since `since` that some alert message went out (or may have) for and that
     * have no all-clear row yet: a crash between storing the resolution and the notifier's
     * wake-up would otherwise lose the all-clear (only active alerts are re-planned).
     */
    resolvedAwaitingAllClear(since: number): string[] {
      return db
        .prepare<[number], { id: string }>(
          `SELECT a.id FROM alerts a WHERE a.status = 'resolved' AND a.resolved_at >= ?
             AND EXISTS (SELECT 1 FROM notifications n WHERE n.alert_id = a.id AND n.purpose IN ('alert', 'reminder', 'voice') AND (n.status = 'sent' OR n.in_doubt = 1))
             AND NOT EXISTS (SELECT 1 FROM notifications m WHERE m.alert_id = a.id AND m.purpose = 'all-clear')`,
        )
        .all(since)
        .map((r) => r.id);
    },
    recoverInFlight(): number {
      return db.prepare("UPDATE notifications SET status = 'pending', in_doubt = 1, doubt_channel = channel_index WHERE status = 'sending'").run().changes;
    },
    wakeAt(alertId: string, at: number): void {
      wakeSet.run(alertId, at);
    },
    wakeNoLaterThan(alertId: string, at: number): void {
      wakeEarlier.run(alertId, at);
    },
    clearWake(alertId: string): void {
      wakeDel.run(alertId);
    },
    wakeOf(alertId: string): number | undefined {
      return wakeOf.get(alertId)?.wake_at;
    },
    wakesDue(now: number): string[] {
      return wakesDue.all(now).map((r) => r.alert_id);
    },
    setting(key: string): string | undefined {
      return setting.get(key)?.value;
    },
    /** First writer wins; returns the stored value. */
    settingOnce(key: string, value: string): string {
      putSetting.run(key, value);
      return setting.get(key)!.value;
    },
    /** Several writes as one (a queued row and its timeline entry). */
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
  };
}

export type OutboxRepo = ReturnType<typeof outboxRepo>;
