// Alert changes are stored before anyone hears of them, and an alert that could not be
// stored is retried until it is (issue 11.8: on a full disk an alert was "active" in
// memory, never stored, never logged). Healthy, a change is written at once (alerts are
// rare; the caller may read it back synchronously); during a storage fault it waits, in
// order, behind the earlier ones, counted in /metrics, and its listeners run only once
// it is in SQLite.
import type { Logger } from 'pino';
import type { AlertChange } from '../alerting/lifecycle.ts';
import type { Store } from '../store/index.ts';
import { isTransient } from '../store/index.ts';

interface Pending {
  change: AlertChange;
  stored: () => void;
}

export class DurableAlerts {
  readonly #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #attempts = 0;
  #drained: (() => void)[] = [];

  constructor(
    readonly store: Pick<Store, 'alerts' | 'faults'>,
    readonly logger: Logger,
    readonly onBacklog: (n: number) => void = () => {},
    readonly retryMaxMs = 1000,
  ) {}

  /** Stores `change`, then calls `stored` — now, or after the storage has recovered. */
  record(change: AlertChange, stored: () => void): void {
    if (this.#pending.length === 0) {
      const r = this.#write(change);
      if (r === 'stored') return stored();
      if (r === 'failed') return;
    }
    this.#pending.push({ change, stored });
    this.onBacklog(this.#pending.length);
    this.#arm();
  }

  /** Resolves once no alert change is waiting to be stored. */
  barrier(): Promise<void> | undefined {
    if (this.#pending.length === 0) return undefined;
    return new Promise((r) => this.#drained.push(r));
  }

  get backlog(): number {
    return this.#pending.length;
  }

  #write(change: AlertChange): 'stored' | 'retry' | 'failed' {
    try {
      this.store.alerts.record(change);
      this.store.faults.succeeded('alerts');
      return 'stored';
    } catch (err) {
      if (isTransient(err)) {
        this.store.faults.failed(err, 'alerts');
        if (this.#attempts === 0)
          this.logger.error({ err, alertId: change.alert.id, meterId: change.alert.meterId, type: change.alert.type, change: change.kind }, 'alert could not be stored: retrying until it is');
        return 'retry';
      }
      // Not the storage: a bug. Retrying cannot help, and nobody is told of an alert that is not stored.
      this.logger.error({ err, alertId: change.alert.id, change: change.kind }, 'alert change cannot be stored: dropped');
      return 'failed';
    }
  }

  #arm(): void {
    if (this.#timer) return;
    const delay = Math.min(this.retryMaxMs, 20 * 2 ** Math.min(this.#attempts, 10));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.retry();
    }, delay);
    this.#timer.unref();
  }

  /** Writes the waiting changes in order; stops at the first that still cannot be stored. */
  retry(): boolean {
    while (this.#pending.length) {
      const head = this.#pending[0]!;
      const r = this.#write(head.change);
      if (r === 'retry') {
        this.#attempts++;
        this.#arm();
        return false;
      }
      this.#pending.shift();
      if (r === 'stored') {
        if (this.#attempts > 0) this.logger.info({ alertId: head.change.alert.id, change: head.change.kind }, 'alert stored after the storage recovered');
        head.stored();
      }
    }
    this.#attempts = 0;
    this.onBacklog(0);
    for (const r of this.#drained.splice(0)) r();
    return true;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.retry();
    if (this.#timer) clearTimeout(this.#timer), (this.#timer = undefined);
    if (this.#pending.length) this.logger.error({ unstored: this.#pending.length }, 'stopping with alert changes that could not be stored');
  }
}
