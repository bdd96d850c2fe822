// How far an open alert's ladder has got, in terms the family page may show (no names, no phones):
// the outbox's rows for the alert are the stored truth of who was told (src/store/outbox.ts).
// 关怀确认 (README, Notifications): a no-usage alert in its check-in stage reaches only the elder
// until her window runs out; the page must not say that the grid worker was told meanwhile.
import type { Store } from '../store/index.ts';
import { GROUP_PREFIX } from '../notify/service.ts';

export type FamilyProgress =
  /** Only the elder has been asked (关怀确认); nobody else has been told. */
  | 'checking-in'
  /** A grid worker (or the grid's WeCom group) has been told. */
  | 'grid-worker-told'
  /** Someone other than the elder and the grid worker (a neighbour, family) has been told. */
  | 'contact-told'
  /** Messages to others are on their way; none delivered yet. */
  | 'notifying'
  /** Nobody has been told (notifications off, quiet hours, no contact). */
  | 'recorded';

export function familyProgress(store: Pick<Store, 'outbox' | 'contacts'>, alertId: string): FamilyProgress {
  const roleOf = (contactId: string) => (contactId.startsWith(GROUP_PREFIX) ? 'grid-worker' : store.contacts.get(contactId)?.role);
  const rows = store.outbox.forAlert(alertId).filter((n) => n.purpose !== 'all-clear');
  // The elder's own messages (her check-in, or rung 0 of a surge) tell nobody else.
  const others = rows.filter((n) => n.purpose !== 'check-in' && roleOf(n.contactId) !== 'elder');
  const told = others.filter((n) => n.status === 'sent');
  if (told.some((n) => roleOf(n.contactId) === 'grid-worker')) return 'grid-worker-told';
  if (told.length) return 'contact-told';
  if (others.some((n) => n.status === 'pending' || n.status === 'sending')) return 'notifying';
  if (rows.some((n) => n.purpose === 'check-in' && n.status !== 'failed' && n.status !== 'cancelled')) return 'checking-in';
  return 'recorded';
}
