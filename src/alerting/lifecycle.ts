// The alert lifecycle, pure: open → acknowledged → resolved, auto-resolved when the
// condition clears, never duplicated while open. The caller persists what comes back.
import type { Alert, AlertType } from '../domain/alert.ts';
import type { DetectorEvent } from '../detect/events.ts';

export type AlertChange =
  | { kind: 'opened'; alert: Alert }
  | { kind: 'acknowledged'; alert: Alert }
  /** A check-in-stage alert whose condition reached the full (confirmed) deadline. */
  | { kind: 'escalated'; alert: Alert; at: number }
  | { kind: 'resolved'; alert: Alert };

/** Alerts not yet resolved, keyed by meter and type. */
export interface AlertBook {
  active: Map<string, Alert>;
  /** Makes ids unique and deterministic for a given input (replay gives the same ids). */
  nextSeq: number;
}

export const bookKey = (meterId: string, type: AlertType): string => `${meterId}|${type}`;

export function createAlertBook(active: Alert[] = [], nextSeq = 1): AlertBook {
  const book: AlertBook = { active: new Map(), nextSeq };
  for (const a of active) if (a.status !== 'resolved') book.active.set(bookKey(a.meterId, a.type), a);
  return book;
}

export function applyDetectorEvent(book: AlertBook, ev: DetectorEvent): AlertChange[] {
  const key = bookKey(ev.meterId, ev.type);
  const current = book.active.get(key);
  if (ev.kind === 'raise') {
    if (current) {
      // [not duplicated while open]; a check-in that reaches the full deadline is confirmed once.
      if (current.stage !== 'check-in' || ev.stage === 'check-in') return [];
      const escalated: Alert = { ...current, stage: 'confirmed', reason: ev.reason };
      book.active.set(key, escalated);
      return [{ kind: 'escalated', alert: escalated, at: ev.at }];
    }
    const alert: Alert = {
      id: `al-${ev.at.toString(36)}-${(book.nextSeq++).toString(36)}`,
      meterId: ev.meterId,
      type: ev.type,
      status: 'open',
      openedAt: ev.at,
      observedAt: ev.observedAt,
      reason: ev.reason,
      ...(ev.stage === 'check-in' && { stage: 'check-in' as const }),
    };
    book.active.set(key, alert);
    return [{ kind: 'opened', alert }];
  }
  if (!current) return [];
  book.active.delete(key);
  const resolved: Alert = { ...current, status: 'resolved', resolvedAt: ev.at, resolution: 'auto', resolvedBy: 'system' };
  return [{ kind: 'resolved', alert: resolved }];
}

export type TransitionError = { error: 'not-found' | 'already-resolved' | 'already-acknowledged'; message: string };

export function acknowledge(alert: Alert, by: string, at: number): Alert | TransitionError {
  if (alert.status === 'resolved') return { error: 'already-resolved', message: `alert ${alert.id} is already resolved` };
  if (alert.status === 'acknowledged')
    return { error: 'already-acknowledged', message: `alert ${alert.id} was already acknowledged by ${alert.acknowledgedBy}` };
  return { ...alert, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by };
}

export function resolveManually(alert: Alert, by: string, at: number, note: string): Alert | TransitionError {
  if (alert.status === 'resolved') return { error: 'already-resolved', message: `alert ${alert.id} is already resolved` };
  return { ...alert, status: 'resolved', resolvedAt: at, resolvedBy: by, resolution: 'manual', note };
}

/** Keep the book in step with a change made outside it (ack/resolve from the API). */
export function recordInBook(book: AlertBook, alert: Alert): void {
  const key = bookKey(alert.meterId, alert.type);
  if (alert.status === 'resolved') {
    if (book.active.get(key)?.id === alert.id) book.active.delete(key);
  } else book.active.set(key, alert);
}

export const isTransitionError = (x: Alert | TransitionError): x is TransitionError => 'error' in x;
