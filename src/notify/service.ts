// The notification service: plans each alert's ladder (the pure policy in src/alerting/escalation.ts)
// from what the outbox already holds, queues the sends in SQLite (with their signed link and
// rendered text) and lets the dispatcher deliver them. Every alert change and every settled send
// wakes the planner; otherwise it looks again when the policy asked (notify_wakeups, durable).
import type { Logger } from 'pino';
import type { AlertChange } from '../alerting/lifecycle.ts';
import { planEscalation, type LadderContact, type NotificationRecord } from '../alerting/escalation.ts';
import type { Alert } from '../domain/alert.ts';
import { contactChannels, contactRung, type Contact } from '../domain/household.ts';
import type { Store } from '../store/index.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { NotifyConfig } from './config.ts';
import { createDispatcher, recipientLabel, type DispatcherDeps } from './dispatcher.ts';
import { createLinkSigner, generateSecret, type LinkSigner } from './links.ts';
import { maskedParams, render } from './templates.ts';
import { offsetMinutes } from './tz.ts';
import type { ChannelKind, Notifier, Recipient } from './types.ts';

const MIN = 60_000;
/** PIPL Art. 15: after a withdrawal nothing more is sent about the household (a later consent
 *  clears withdrawnAt and lets processing resume). */
const withdrawn = (h: { consent?: { withdrawnAt?: number } }) => h.consent?.withdrawnAt !== undefined;
/** Ladder entries that are a grid's WeCom group (notify.wecomGroups), not a stored contact. */
export const GROUP_PREFIX = 'wecom:';

export interface NotifyDeps {
  store: Store;
  config: NotifyConfig;
  notifiers: ReadonlyMap<ChannelKind, Notifier>;
  clock: () => number;
  logger: Logger;
  metrics: Metrics;
  onDelivery?: DispatcherDeps['onDelivery'];
}

export function createNotifyService(deps: NotifyDeps) {
  const { store, config, clock } = deps;
  const logger = deps.logger.child({ part: 'notify' });
  const outbox = store.outbox;
  // [generate one at first start and store it]: links keep working across restarts.
  const secret = config.linkSecret?.reveal() ?? outbox.settingOnce('notify.linkSecret', generateSecret());
  const links: LinkSigner = createLinkSigner(secret);
  let stopped = false;
  let soon: NodeJS.Immediate | undefined;

  const dispatcher = createDispatcher({
    outbox,
    alerts: store.alerts,
    notifiers: deps.notifiers,
    clock,
    logger,
    metrics: deps.metrics,
    concurrency: config.concurrency,
    timeoutMs: config.sendTimeoutMs,
    retry: config.retry,
    onSettled: (alertId) => wake(alertId),
    consentWithdrawn: (alert) => {
      const householdId = store.meters.householdOf(alert.meterId);
      const household = householdId ? store.households.get(householdId) : undefined;
      return household !== undefined && withdrawn(household);
    },
    ...(deps.onDelivery && { onDelivery: deps.onDelivery }),
  });

  const offset = () => offsetMinutes(config.timeZone, clock());

  function ladderOf(alert: Alert) {
    const householdId = store.meters.householdOf(alert.meterId);
    const household = householdId ? store.households.get(householdId) : undefined;
    const contacts = householdId ? store.contacts.list(householdId) : [];
    const group = household?.gridId !== undefined ? groupContact(household.id, household.gridId) : undefined;
    if (group) contacts.push(group);
    const ladder: LadderContact[] = contacts.map((c) => ({ id: c.id, role: c.role, rung: contactRung(c), channels: contactChannels(c) }));
    return { household, contacts, ladder };
  }

  /** The grid's WeCom group as a ladder entry (config, not a stored contact). */
  function groupContact(householdId: string, gridId: string): Contact | undefined {
    const g = config.wecomGroups[gridId];
    return g && { id: `${GROUP_PREFIX}${gridId}`, householdId, name: `网格群 ${gridId}`, role: 'grid-worker', rung: g.rung, channels: ['wecom'], lang: g.lang, wecomKey: g.key.reveal() };
  }

  /** Plan one alert now: queue what is due, remember when to look again. */
  function planAlert(alertId: string): void {
    const alert = store.alerts.get(alertId);
    if (!alert) return outbox.clearWake(alertId);
    const now = clock();
    const { household, contacts, ladder } = ladderOf(alert);
    const consentWithdrawn = household !== undefined && withdrawn(household);
    if (consentWithdrawn) {
      const cancelled = outbox.cancelAllPending(alertId, now);
      if (cancelled) store.alerts.addEvent({ alertId, at: now, kind: 'notification-cancelled', by: 'notify', note: `${cancelled} queued message(s) not sent: consent withdrawn` });
    } else if (alert.status !== 'open') {
      const cancelled = outbox.cancelPending(alertId, now);
      if (cancelled) store.alerts.addEvent({ alertId, at: now, kind: 'notification-cancelled', by: 'notify', note: `${cancelled} queued message(s) not sent: alert ${alert.status}` });
    }
    const rows = outbox.forAlert(alertId);
    const history: NotificationRecord[] = rows.map((r) => ({
      step: r.step,
      purpose: r.purpose,
      rung: r.rung,
      contactId: r.contactId,
      createdAt: r.createdAt,
      status: r.status,
      ...(r.settledAt !== undefined && { settledAt: r.settledAt }),
      ...(r.inDoubt && { inDoubt: true as const }),
    }));
    const escalatedAt = store.alerts.history(alertId).find((e) => e.kind === 'escalated')?.at;
    const offsetMin = offset();
    const plan = planEscalation({ alert, history, ladder, policy: config.policy, now, offsetMin, consentWithdrawn, ...(escalatedAt !== undefined && { escalatedAt }) });
    outbox.transaction(() => {
      for (const s of plan.sends) {
        const c = contacts.find((x) => x.id === s.contactId)!;
        const to: Recipient = {
          id: c.id,
          name: c.name,
          ...(c.phone !== undefined && { phone: c.phone }),
          ...(c.wechatOpenId !== undefined && { wechatOpenId: c.wechatOpenId }),
          ...(c.wecomKey !== undefined && { wecomKey: c.wecomKey }),
        };
        const lang = c.lang ?? 'zh-CN';
        const base = { purpose: s.purpose, lang, alert, householdName: household?.name ?? alert.meterId, place: household?.address ?? household?.gridId ?? '', now, offsetMin } as const;
        const draft = render(base);
        const row = outbox.enqueue({
          alertId,
          step: s.step,
          purpose: s.purpose,
          rung: s.rung,
          contactId: c.id,
          idemKey: `${alertId}:${s.step}:${c.id}`,
          recipient: JSON.stringify(to),
          channels: s.channels,
          lang,
          template: draft.template,
          params: draft.params,
          body: draft.text,
          nextAttemptAt: now,
          createdAt: now,
        });
        if (!row) continue; // already queued (idempotent)
        // The link names this very row, so it can say who acknowledged and how.
        const token = links.sign(row.id);
        const link = `${config.publicBaseUrl}/a/${token}`;
        const final = render({ ...base, link, token, windowMin: config.policy.checkIn.windowMin, ...(s.step.startsWith('reminder-') && { reminder: Number(s.step.slice(9)) }) });
        outbox.setBody(row.id, final.text, final.params);
        store.alerts.addEvent({ alertId, at: now, kind: 'notification-queued', by: 'notify', note: `${s.step} → ${c.role} ${recipientLabel(to)} via ${s.channels.join(' > ')}` });
        logger.info({ alertId, step: s.step, to: recipientLabel(to), channels: s.channels, template: final.template, params: maskedParams(final.params) }, 'notification queued');
      }
      if (plan.nextWakeAt !== undefined) outbox.wakeAt(alertId, plan.nextWakeAt);
      else outbox.clearWake(alertId);
    });
  }

  function tick(): void {
    if (stopped) return;
    const now = clock();
    for (const id of outbox.wakesDue(now)) {
      try {
        planAlert(id);
      } catch (err) {
        logger.error({ err, alertId: id }, 'planning notifications failed; retrying in a minute');
        outbox.wakeAt(id, now + MIN);
      }
    }
    dispatcher.pump();
  }

  /** Durable first (the wake-up row), then soon: ingest never waits for planning or sending. */
  function wake(alertId: string): void {
    outbox.wakeNoLaterThan(alertId, clock());
    if (!stopped && !soon)
      soon = setImmediate(() => {
        soon = undefined;
        try {
          tick();
        } catch (err) {
          logger.error({ err }, 'notify tick failed; the next tick retries');
        }
      });
  }

  // A restart: what was in flight goes again (same idempotency key); every active alert is re-planned.
  const recovered = outbox.recoverInFlight();
  for (const a of store.alerts.listActive()) outbox.wakeNoLaterThan(a.id, clock());
  // …and an alert resolved just before the stop whose all-clear was not yet planned (the
  // resolution is stored before the notifier hears of it). A day back: older ones are history.
  for (const id of outbox.resolvedAwaitingAllClear(clock() - 86_400_000)) outbox.wakeNoLaterThan(id, clock());
  if (recovered) logger.warn({ recovered }, 'notifications in flight at the last stop will be sent again (same idempotency key)');

  return {
    links,
    onAlert(change: AlertChange): void {
      wake(change.alert.id);
    },
    /** An acknowledgement or resolution made outside the detector (API, link, SMS reply). */
    onAlertChanged(alert: Alert): void {
      wake(alert.id);
    },
    tick,
    /** Plan one alert now without sending (the next tick sends). */
    plan: planAlert,
    /** For tests and the drill: plan and send until nothing more is due now. */
    async settle(): Promise<void> {
      for (let i = 0; i < 100; i++) {
        if (soon) clearImmediate(soon), (soon = undefined);
        tick();
        await dispatcher.idle();
        if (!outbox.wakesDue(clock()).length && !outbox.due(clock(), 1).length) return;
      }
    },
    async stop(): Promise<void> {
      stopped = true;
      if (soon) clearImmediate(soon);
      await dispatcher.stop();
    },
  };
}

export type NotifyService = ReturnType<typeof createNotifyService>;
