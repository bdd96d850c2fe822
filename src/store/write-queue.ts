// Group commit (issue 12.1, 11.8): per-message writes (readings, dead letters) are queued
// and written in one transaction per few milliseconds or few hundred rows, whichever comes
// first, off the per-message path. `barrier()` resolves once everything queued so far is
// committed; the broker waits on it before the QoS 1 PUBACK, so "acknowledged" means "in
// SQLite". A transient fault (disk full, locked, read-only) keeps the batch, in order, and
// retries it with backoff until it commits — nothing is dropped and nothing is acknowledged
// meanwhile, so the meters resend (or wait) rather than lose data.
import type { Database } from 'better-sqlite3';
import { isTransient, type StoreFaults } from './faults.ts';

/**
 * The rows of consecutive `addRows` calls for one sink within a batch: written by one call of
 * the sink (a multi-row INSERT), while each call's rows stay a write of their own when a
 * permanent error makes the queue look for the bad one.
 */
class RowsWrite<T> {
  readonly rows: T[] = [];
  /** Where each call's rows end in `rows`. */
  readonly ends: number[] = [];
  constructor(readonly sink: (rows: readonly T[]) => unknown) {}

  push(rows: readonly T[]): void {
    for (const r of rows) this.rows.push(r);
    this.ends.push(this.rows.length);
  }

  run(): void {
    this.sink(this.rows);
  }

  /** One write per call, as if each had been `add`ed alone. */
  parts(): (() => void)[] {
    return this.ends.map((end, k) => () => void this.sink(this.rows.slice(k ? this.ends[k - 1] : 0, end)));
  }
}

/** A queued write: one function, or the merged rows of `addRows` calls (the type of its rows erased). */
type Write = (() => void) | RowsWrite<unknown>;

interface Batch {
  ops: Write[];
  rows: number;
  sealed: boolean;
  done: Promise<void>;
  resolve: () => void;
}

export interface WriteQueueOptions {
  commitMs: number;
  commitRows: number;
  /** A write that can never succeed (a bug, a constraint): logged by the caller, then skipped. */
  onPermanentError: (err: unknown) => void;
  /** Retry delays after a transient fault: doubling from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

export class WriteQueue {
  readonly #pending: Batch[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #retries = 0;
  #closed = false;
  #holds = 0;

  constructor(
    readonly db: Database,
    readonly faults: StoreFaults,
    readonly opts: WriteQueueOptions,
  ) {}

  /** Queues a write of `rows` rows; it runs inside the next group transaction. */
  add(op: () => void, rows = 1): void {
    const tail = this.#tail();
    tail.ops.push(op);
    tail.rows += rows;
    this.#schedule();
  }

  /**
   * Queues `rows` for `sink`, which writes many rows at once: consecutive calls with the same
   * sink (a stable function) in one transaction make one call of it with all their rows, in
   * order. Like `add` otherwise; on a permanent error each call's rows are retried alone.
   */
  addRows<T>(sink: (rows: readonly T[]) => unknown, rows: readonly T[]): void {
    const tail = this.#tail();
    const last = tail.ops.at(-1);
    if (last instanceof RowsWrite && last.sink === sink) (last as unknown as RowsWrite<T>).push(rows);
    else {
      const w = new RowsWrite(sink);
      w.push(rows);
      tail.ops.push(w as unknown as RowsWrite<unknown>);
    }
    tail.rows += rows.length;
    this.#schedule();
  }

  /** The batch new writes join: the last one, unless it is committing or full. */
  #tail(): Batch {
    if (this.#closed) throw new Error('write queue is closed');
    let tail = this.#pending.at(-1);
    if (!tail || tail.sealed || tail.rows >= this.opts.commitRows) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.#pending.push((tail = { ops: [], rows: 0, sealed: false, done, resolve }));
    }
    return tail;
  }

  /** Resolves once every write queued before this call is committed. */
  barrier(): Promise<void> {
    return this.#pending.at(-1)?.done ?? Promise.resolve();
  }

  /** Rows waiting for their transaction (including those held by a storage fault). */
  get pendingRows(): number {
    let n = 0;
    for (const b of this.#pending) n += b.rows;
    return n;
  }

  /**
   * No commit starts until the returned release is called (writes still queue): the quiet
   * moment in which the WAL checkpointer catches up completely, so that SQLite can restart the
   * WAL (checkpointer.ts). The caller bounds it (a few ms).
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#schedule();
    };
  }

  #schedule(): void {
    if (this.#holds > 0) return; // released later: the release schedules
    if (this.#retries > 0 || this.#immediate) return; // a retry timer is already armed
    const head = this.#pending[0];
    if (!head) return;
    if (head.rows >= this.opts.commitRows || this.#pending.length > 1 || this.opts.commitMs === 0) {
      if (this.#timer) clearTimeout(this.#timer), (this.#timer = undefined);
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        if (this.#holds === 0) this.#flushOne();
      });
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#holds === 0) this.#flushOne();
      }, this.opts.commitMs);
    }
  }

  /** Commits the oldest batch; one batch per event-loop turn keeps each turn short. */
  #flushOne(): boolean {
    const head = this.#pending[0];
    if (!head) return true;
    head.sealed = true;
    try {
      this.db.transaction(() => {
        for (const op of head.ops) typeof op === 'function' ? op() : op.run();
      })();
    } catch (err) {
      if (isTransient(err)) {
        this.faults.failed(err);
        this.#retries++;
        const min = this.opts.retryMinMs ?? 20;
        const delay = Math.min(this.opts.retryMaxMs ?? 1000, min * 2 ** Math.min(this.#retries - 1, 10));
        if (!this.#closed) this.#timer = setTimeout(() => ((this.#timer = undefined), this.#flushOne()), delay);
        return false;
      }
      // Not the storage's fault: find the bad write(s), keep the rest.
      for (const op of head.ops.flatMap((w) => (typeof w === 'function' ? [w] : w.parts()))) {
        try {
          this.db.transaction(op)();
        } catch (one) {
          if (isTransient(one)) {
            // The storage failed half-way through the split: go back to retrying as a batch.
            this.faults.failed(one);
            this.#retries++;
            if (!this.#closed) this.#timer = setTimeout(() => ((this.#timer = undefined), this.#flushOne()), this.opts.retryMinMs ?? 20);
            return false;
          }
          this.opts.onPermanentError(one);
        }
      }
    }
    this.#retries = 0;
    this.faults.succeeded();
    this.#pending.shift();
    head.resolve();
    this.#schedule();
    return true;
  }

  /** At stop: commit what is queued, synchronously; false if the storage still refuses. */
  flushSync(): boolean {
    if (this.#timer) clearTimeout(this.#timer), (this.#timer = undefined);
    if (this.#immediate) clearImmediate(this.#immediate), (this.#immediate = undefined);
    this.#retries = 0;
    while (this.#pending.length) {
      this.#pending[0]!.sealed = true;
      if (!this.#flushOne()) {
        if (this.#timer) clearTimeout(this.#timer), (this.#timer = undefined);
        return false;
      }
      if (this.#immediate) clearImmediate(this.#immediate), (this.#immediate = undefined);
    }
    return true;
  }

  close(): boolean {
    const ok = this.flushSync();
    this.#closed = true;
    return ok;
  }
}
