// An SMS reply, matched to the alert it answers: the sender's number → their contact entries →
// the alerts of those households this contact was sent a message about. A reply carries no
// reference to the text it answers, so it goes to the alert whose message reached this contact
// last and is still open (a grid worker of many homes answers the SMS they just read); never to
// one they were not told about.
import type { Store } from '../store/index.ts';
import { maskPhone } from '../domain/household.ts';
import { isReplyKeyword, type Acks, type Response } from './acks.ts';

export type ReplyOutcome =
  | { matched: true; alertId: string; response: Response }
  | { matched: false; reason: 'not-a-keyword' | 'unknown-number' | 'no-open-alert' | 'already-applied'; phone: string }
  /** Every alert the sender was told about is acknowledged or resolved already (alertId: the newest). */
  | { matched: false; reason: 'already-handled'; alertId: string; phone: string };

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
  // Only alerts this sender was told about: the reply answers a message they read, the newest
  // first. When all of those are in hand already, nothing is acknowledged on their behalf — not
  // an alert of another household sharing their phone that they never saw, whose ladder would
  // then stop before it reached them.
  const candidates = contacts.flatMap((c) =>
    store.alerts
      .list({ householdId: c.householdId, limit: 50, offset: 0 })
      .items.map((a) => ({ a, c, toldAt: lastToldAt(store, a.id, c.id) }))
      .filter((x) => x.toldAt > -Infinity),
  );
  if (!candidates.length) return { matched: false, reason: 'no-open-alert', phone };
  candidates.sort((x, y) => y.toldAt - x.toldAt || y.a.openedAt - x.a.openedAt);
  // The newest told alert still open (a second "1" answers the other text); none: in hand already.
  const best = candidates.find((x) => x.a.status === 'open');
  if (!best) return { matched: false, reason: 'already-handled', alertId: candidates[0]!.a.id, phone };
  return { matched: true, alertId: best.a.id, response: deps.acks.respond(best.a.id, best.c, 'sms-reply') };
}

/** When this contact was last sent a message about the alert, or may have been (in doubt); -Infinity: never. */
function lastToldAt(store: Store, alertId: string, contactId: string): number {
  let at = -Infinity;
  for (const n of store.outbox.forAlert(alertId))
    if (n.contactId === contactId && n.purpose !== 'all-clear' && (n.status === 'sent' || n.inDoubt)) at = Math.max(at, n.settledAt ?? n.createdAt);
  return at;
}
