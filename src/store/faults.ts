// Storage faults made loud (issue 11.8): which SQLite errors mean "the storage is failing,
// try again" rather than "this write is wrong", and the one place that remembers the
// current fault for /health, /metrics and the log. Result codes: https://sqlite.org/rescode.html
// (better-sqlite3 puts the extended code name on `err.code`).

/** The store cannot write right now; the same write may succeed later. */
const TRANSIENT = ['SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL', 'SQLITE_INTERRUPT'];

export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function isTransient(err: unknown): boolean {
  const code = sqliteCode(err);
  // Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT…) start with their primary code.
  return code !== undefined && TRANSIENT.some((t) => code === t || code.startsWith(`${t}_`));
}

/** Plain words for the operator reading /health. */
export function describeFault(code: string): string {
  if (code.startsWith('SQLITE_FULL')) return 'disk full: the database cannot grow';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'database locked by another process or connection';
  if (code.startsWith('SQLITE_READONLY')) return 'database is read-only';
  if (code.startsWith('SQLITE_IOERR')) return 'disk I/O error';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'database file cannot be opened';
  return code;
}

export interface StorageFault {
  code: string;
  reason: string;
  since: number;
  /** Failed attempts since the fault began. */
  attempts: number;
}

export type FaultListener = (event: { kind: 'failing'; fault: StorageFault; err: unknown } | { kind: 'recovered'; fault: StorageFault }) => void;

/** Current storage health: set by any failing write, cleared by the next write that succeeds. */
export class StoreFaults {
  #fault: StorageFault | undefined;
  readonly #listeners: FaultListener[] = [];

  constructor(readonly now: () => number = Date.now) {}

  failed(err: unknown): void {
    const code = sqliteCode(err) ?? 'UNKNOWN';
    if (this.#fault && this.#fault.code === code) this.#fault.attempts++;
    else this.#fault = { code, reason: describeFault(code), since: this.now(), attempts: 1 };
    for (const l of this.#listeners) l({ kind: 'failing', fault: this.#fault, err });
  }

  succeeded(): void {
    const f = this.#fault;
    if (!f) return;
    this.#fault = undefined;
    for (const l of this.#listeners) l({ kind: 'recovered', fault: f });
  }

  get current(): StorageFault | undefined {
    return this.#fault;
  }

  on(l: FaultListener): void {
    this.#listeners.push(l);
  }
}
