// An SMS reply, matched to the alert it answers: the sender's number → their contact entries →
// the open alerts of those households. A reply carries no reference to the text it answers, so
// it goes to the alert whose message reached this contact last (a grid worker of many homes
// answers the SMS they just read), then to ones they were told about, newest first.
import type { Store } from '../store/index.ts';
import { maskPhone } from '../domain/household.ts';
import { isReplyKeyword, type Acks, type Response } from './acks.ts';

export type ReplyOutcome =
  | { matched: true; alertId: string; response: Response }
  | { matched: false; reason: 'not-a-keyword' | 'unknown-number' | 'no-open-alert' | 'already-applied'; phone: string };

/**
 * `ref` identifies this reply at its provider (a keyed hash of InboundReply.providerRef): a
 * callback pushed again is applied once. Without the check the copy of a "1" answers the next
 * open alert of the sender's — one they never read — and stops its ladder.
 */
export function handleSmsReply(
  deps: { store: Store; acks: Acks; keywords: readonly string[]; clock: () => number },
  reply: { phone: string; text: string; ref: string },
): ReplyOutcome {
  const { store } = deps;
  const phone = maskPhone(reply.phone);
  if (!store.smsReplies.first(reply.ref, deps.clock())) return { matched: false, reason: 'already-applied', phone };
  try {
    return match(deps, reply, phone);
  } catch (err) {
    store.smsReplies.forget(reply.ref); // not applied: the provider's next push must be
    throw err;
  }
}

function match(deps: { store: Store; acks: Acks; keywords: readonly string[] }, reply: { phone: string; text: string }, phone: string): ReplyOutcome {
  const { store } = deps;
  if (!isReplyKeyword(reply.text, deps.keywords)) return { matched: false, reason: 'not-a-keyword', phone };
  const contacts = store.contacts.byPhone(reply.phone);
  if (!contacts.length) return { matched: false, reason: 'unknown-number', phone };
  const candidates = contacts.flatMap((c) =>
    store.alerts
      .list({ householdId: c.householdId, status: 'open', limit: 50, offset: 0 })
      .items.map((a) => ({ a, c, toldAt: lastToldAt(store, a.id, c.id) })),
  );
  if (!candidates.length) return { matched: false, reason: 'no-open-alert', phone };
  candidates.sort((x, y) => y.toldAt - x.toldAt || y.a.openedAt - x.a.openedAt);
  const best = candidates[0]!;
  return { matched: true, alertId: best.a.id, response: deps.acks.respond(best.a.id, best.c, 'sms-reply') };
}

/** When this contact was last sent a message about the alert (-Infinity: never). */
function lastToldAt(store: Store, alertId: string, contactId: string): number {
  let at = -Infinity;
  for (const n of store.outbox.forAlert(alertId)) if (n.contactId === contactId && n.status === 'sent') at = Math.max(at, n.settledAt ?? n.createdAt);
  return at;
}
