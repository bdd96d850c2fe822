// The default AlertActions: load from the store, apply the pure lifecycle, persist with
// history, then tell the caller so its in-memory AlertBook stays in step.
import type { Alert } from '../domain/alert.ts';
import { acknowledge, isTransitionError, resolveManually, type TransitionError } from '../alerting/lifecycle.ts';
import type { Store } from '../store/index.ts';
import type { AlertActions } from './deps.ts';

export function createAlertActions(
  store: Pick<Store, 'alerts'>,
  clock: () => number,
  onChange?: (alert: Alert) => void,
): AlertActions & {
  acknowledge(id: string, by: string, note?: string): Alert | TransitionError;
  resolve(id: string, by: string, note: string): Alert | TransitionError;
} {
  const notFound = (id: string): TransitionError => ({ error: 'not-found', message: `no alert with id "${id}"` });

  function apply(id: string, step: (a: Alert, at: number) => Alert | TransitionError, note?: string): Alert | TransitionError {
    const current = store.alerts.get(id);
    if (!current) return notFound(id);
    const next = step(current, clock());
    if (isTransitionError(next)) return next;
    const kind = next.status === 'resolved' ? 'resolved' : 'acknowledged';
    if (!store.alerts.record({ kind, alert: next }, note)) return notFound(id);
    onChange?.(next);
    return next;
  }

  return {
    acknowledge: (id, by, note) => apply(id, (a, at) => acknowledge(a, by, at), note),
    resolve: (id, by, note) => apply(id, (a, at) => resolveManually(a, by, at, note), note),
  };
}
