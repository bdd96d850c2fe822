// Periodic work that would stop the loop if done in one go (issue 12.5: "never more than a few
// milliseconds"), done in steps, one per event-loop turn. A step is given how many items it
// may do and returns how many it did; fewer than asked means finished. The count adapts to
// the time a step took, so a step stays near `budgetMs` whatever the disk or the table size.
export interface SlicedOptions {
  budgetMs: number;
  /** First step's size; then sized from the measured cost per item. */
  initial?: number;
  max?: number;
  /** Monotonic ms; injectable for tests. */
  now?: () => number;
  /** Yields to the event loop between steps; injectable for tests. */
  yieldTurn?: (next: () => void) => void;
}

export interface SlicedResult {
  done: number;
  steps: number;
  longestStepMs: number;
}

export function runSliced(step: (limit: number) => number, opts: SlicedOptions): Promise<SlicedResult> {
  const now = opts.now ?? (() => performance.now());
  const yieldTurn = opts.yieldTurn ?? ((next) => void setImmediate(next));
  const max = opts.max ?? 100_000;
  let limit = Math.max(1, Math.min(max, opts.initial ?? 200));
  const result: SlicedResult = { done: 0, steps: 0, longestStepMs: 0 };
  return new Promise((resolve, reject) => {
    const next = () => {
      const t0 = now();
      let did: number;
      try {
        did = step(limit);
      } catch (err) {
        return reject(err);
      }
      const ms = now() - t0;
      result.done += did;
      result.steps++;
      result.longestStepMs = Math.max(result.longestStepMs, ms);
      if (did < limit) return resolve(result);
      // Aim at the budget from the cost per item just measured; at most double at a time.
      const perItem = ms / Math.max(1, did);
      limit = Math.max(1, Math.min(max, limit * 2, perItem > 0 ? Math.floor(opts.budgetMs / perItem) : limit * 2));
      yieldTurn(next);
    };
    next();
  });
}
