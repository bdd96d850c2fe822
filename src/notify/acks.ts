// Acknowledgements from people, however they come: a tap on the signed link, an SMS reply "1",
// the API or the dashboard. Every one records who, how and when (the 'acknowledged' event: by =
// who, note = "via <how>"), and stops the ladder. The elder answering her own check-in within
// the window is different: it resolves the alert as 'elder-fine' and nobody else is disturbed.
import { checkInDeadline, type NotificationRecord } from '../alerting/escalation.ts';
import { acknowledge, isTransitionError, resolveManually, type TransitionError } from '../alerting/lifecycle.ts';
import type { EscalationPolicy } from '../alerting/policy.ts';
import type { Alert } from '../domain/alert.ts';
import type { Contact } from '../domain/household.ts';
import type { Store } from '../store/index.ts';

export const ACK_VIA = ['link', 'sms-reply', 'api', 'dashboard'] as const;
export type AckVia = (typeof ACK_VIA)[number];

export type Response =
  | { result: 'elder-fine'; alert: Alert }
  | { result: 'acknowledged'; alert: Alert }
  | TransitionError;

export function createAcks(deps: { store: Store; clock: () => number; policy: EscalationPolicy; onChange(alert: Alert): void }) {
  const { store, clock } = deps;
  const notFound = (id: string): TransitionError => ({ error: 'not-found', message: `no alert with id "${id}"` });

  function ack(alertId: string, by: string, via: AckVia, note?: string): Alert | TransitionError {
    const current = store.alerts.get(alertId);
    if (!current) return notFound(alertId);
    const next = acknowledge(current, by, clock());
    if (isTransitionError(next)) return next;
    store.alerts.record({ kind: 'acknowledged', alert: next }, note ? `via ${via}: ${note}` : `via ${via}`);
    deps.onChange(next);
    return next;
  }

  /** Within the check-in window, the elder's own answer means she is fine. */
  function elderWindowOpen(alert: Alert, contact: Contact, now: number): boolean {
    if (contact.role !== 'elder') return false;
    // Once a rung was told (the detector confirmed the silence, say), others are acting
    // on it: her "1" acknowledges (they are told she answered) instead of closing it and sending
    // them an all-clear that says water use resumed.
    const rows = store.outbox.forAlert(alert.id);
    if (rows.some((n) => n.purpose !== 'check-in')) return false;
    const history: NotificationRecord[] = rows
      .filter((n) => n.purpose === 'check-in')
      .map((n) => ({ step: n.step, purpose: n.purpose, rung: n.rung, contactId: n.contactId, createdAt: n.createdAt, status: n.status }));
    if (!history.some((h) => h.contactId === contact.id)) return false;
    const deadline = checkInDeadline(history, deps.policy);
    return deadline !== undefined && now <= deadline;
  }

  return {
    acknowledge: ack,

    /** A contact answered about an alert (link tap or SMS reply). */
    respond(alertId: string, contact: Contact, via: 'link' | 'sms-reply'): Response {
      const alert = store.alerts.get(alertId);
      if (!alert) return notFound(alertId);
      const now = clock();
      const by = contactActor(contact);
      if (alert.status === 'open' && elderWindowOpen(alert, contact, now)) {
        const r = resolveManually(alert, by, now, `关怀确认：老人回复平安 / the resident answered the check-in (via ${via})`);
        if (isTransitionError(r)) return r;
        const fine: Alert = { ...r, outcome: 'elder-fine' };
        store.alerts.record({ kind: 'resolved', alert: fine });
        store.alerts.addEvent({ alertId, at: now, kind: 'outcome', by, note: 'elder-fine' });
        deps.onChange(fine);
        return { result: 'elder-fine', alert: fine };
      }
      const a = ack(alertId, by, via);
      return isTransitionError(a) ? a : { result: 'acknowledged', alert: a };
    },
  };
}

export type Acks = ReturnType<typeof createAcks>;

/** Does this SMS reply say "1" (= 平安 / 已知晓)? Full-width digits and trailing punctuation are how people type. */
export function isReplyKeyword(text: string, keywords: readonly string[]): boolean {
  const t = text
    .normalize('NFKC')
    .trim()
    .replace(/[。.!！\s]+$/u, '');
  return keywords.some((k) => k.normalize('NFKC') === t);
}

/** How a contact who answered is recorded as the actor ("李明 (neighbour)"). */
export const contactActor = (c: Pick<Contact, 'name' | 'role'>): string => `${c.name} (${c.role})`;

/** A recorded actor as a page anyone with a link may show: a contact's name masked
 *  ("李* (neighbour)"); anything else (staff) as recorded. The inverse of contactActor. */
export function maskedActor(by: string, mask: (name: string) => string): string {
  const m = /^(.+) \(([a-z-]+)\)$/.exec(by);
  return m ? `${mask(m[1]!)} (${m[2]})` : by;
}
