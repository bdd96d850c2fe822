// Who a notification step on an alert's timeline was about, as data: `recipient: {name, role}`,
// the name masked (王*) as everywhere outside the export. The notifier records its steps with
// `by: 'notify'` and the recipient only inside the note ("rung-1 → 王* 138****8000: …",
// src/notify/service.ts, dispatcher.ts), so the board said "已通知：notify". The outbox row of
// the step is the stored truth: the step's note names the row's step and recipient label
// (recipientLabel, the very function that wrote it), and the role is the contact's.
import type { AlertEvent } from '../store/alerts.ts';
import type { Store } from '../store/index.ts';
import { maskName } from '../domain/household.ts';
import { recipientLabel } from '../notify/dispatcher.ts';
import { GROUP_PREFIX } from '../notify/service.ts';
import type { Recipient } from '../notify/types.ts';

export interface NotifiedRecipient {
  /** Masked for a person (王*); a grid's WeCom group by its name (网格群 futian-01). */
  name: string;
  /** The contact's role (elder, grid-worker, family, duty-officer, neighbour, other), or `grid-group`. */
  role: string;
}

export type TimelineEvent = AlertEvent & { recipient?: NotifiedRecipient };

const isNotification = (e: AlertEvent) => e.kind.startsWith('notification-');

/** The alert's history with each notification step's recipient, where its outbox row tells. */
export function withRecipients(store: Pick<Store, 'outbox' | 'contacts'>, alertId: string, history: AlertEvent[]): TimelineEvent[] {
  if (!history.some(isNotification)) return history;
  const rows = store.outbox.forAlert(alertId).map((n) => {
    const to = JSON.parse(n.recipient) as Recipient;
    const group = n.contactId.startsWith(GROUP_PREFIX);
    const role = group ? 'grid-group' : store.contacts.get(n.contactId)?.role;
    const name = group ? (to.name ?? n.contactId.slice(GROUP_PREFIX.length)) : to.name ? maskName(to.name) : undefined;
    return { step: n.step, label: recipientLabel(to), recipient: name !== undefined && role !== undefined ? { name, role } : undefined };
  });
  return history.map((e) => {
    if (!isNotification(e) || e.note === undefined) return e;
    // "<step> → <label>: …" (sent, failed, cancelled one) or "<step> → <role> <label> via …" (queued).
    const m = /^(\S+) → (.*)$/s.exec(e.note);
    if (!m) return e;
    const [, step, rest] = m;
    const row = rows.find((r) => r.step === step && r.recipient && (rest!.startsWith(`${r.label}:`) || rest!.includes(` ${r.label} via `)));
    return row?.recipient ? { ...e, recipient: row.recipient } : e;
  });
}
