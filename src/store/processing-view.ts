// No query per message (issue 12.2): "may this meter's data be processed" (meter active,
// household consented and not withdrawn — PIPL) is answered from memory. The answer is
// computed on first use and forgotten on EVERY write through the households or meters
// repositories (store/index.ts wraps their write methods), so a consent withdrawal or a
// revocation takes effect on the very next message. Writes are rare (operator actions);
// forgetting everything is cheaper than being clever about which meter changed.

export class ProcessingView {
  readonly #allowed = new Map<string, boolean>();

  constructor(readonly query: (meterId: string) => boolean) {}

  allowed(meterId: string): boolean {
    let ok = this.#allowed.get(meterId);
    if (ok === undefined) this.#allowed.set(meterId, (ok = this.query(meterId)));
    return ok;
  }

  invalidate(): void {
    this.#allowed.clear();
  }

  get size(): number {
    return this.#allowed.size;
  }
}

/**
 * The repository with every method not named in `reads` followed by `after()` (even when
 * it throws: a half-done write must not leave a stale answer). Methods added later are
 * treated as writes unless listed, which errs on the safe side.
 */
export function invalidatingWrites<T extends object>(repo: T, reads: readonly (keyof T & string)[], after: () => void): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(repo)) {
    if (typeof value !== 'function' || (reads as readonly string[]).includes(name)) {
      out[name] = value;
      continue;
    }
    out[name] = (...args: unknown[]) => {
      try {
        return (value as (...a: unknown[]) => unknown)(...args);
      } finally {
        after();
      }
    };
  }
  return out as T;
}
