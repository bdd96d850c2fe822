// One queue of deferred work for the whole service, drained for at most `budgetMs` per
// event-loop turn (issue 11.3). Node runs every setImmediate callback queued before the
// check phase in that one phase, so per-meter setImmediate slices would still pile six
// meters' slices (and six batches' parsing) into one turn; here a turn takes tasks in FIFO
// order until its budget is spent and leaves the rest for the next turn, with the poll
// phase (HTTP, other sockets) in between. Tasks are plain synchronous functions — a
// promise continuation would run outside the budget's accounting.

export class Cooperative {
  readonly #queue: (() => void)[] = [];
  #armed = false;

  constructor(
    readonly budgetMs: number,
    readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs `task` in a later turn, after the tasks already queued. */
  run(task: () => void): void {
    this.#queue.push(task);
    this.#arm();
  }

  get queued(): number {
    return this.#queue.length;
  }

  #arm(): void {
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(this.#drain);
  }

  readonly #drain = () => {
    this.#armed = false;
    const end = this.now() + this.budgetMs;
    do {
      const task = this.#queue.shift();
      if (!task) return;
      try {
        task();
      } catch {
        // Tasks handle their own errors; one that throws must not stall the others.
      }
    } while (this.now() < end);
    if (this.#queue.length) this.#arm();
  };
}
