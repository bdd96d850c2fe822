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

/** Which writer saw the fault: the group commit of readings and dead letters, or the alerts'
 *  own writes (src/service/durable-alerts.ts). */
export type FaultSource = 'writes' | 'alerts';

/**
 * Current storage health: set by any failing write, cleared when the writer that failed
 * succeeds again. Each writer's fault is its own: a small alert write that fits on a nearly
 * full disk must not report storage healthy while the group commit still holds readings it
 * cannot write (meters unacknowledged, /health green).
 */
export class StoreFaults {
  readonly #faults = new Map<FaultSource, StorageFault>();
  readonly #listeners: FaultListener[] = [];

  constructor(readonly now: () => number = Date.now) {}

  failed(err: unknown, source: FaultSource = 'writes'): void {
    const code = sqliteCode(err) ?? 'UNKNOWN';
    let f = this.#faults.get(source);
    if (f && f.code === code) f.attempts++;
    else this.#faults.set(source, (f = { code, reason: describeFault(code), since: this.now(), attempts: 1 }));
    for (const l of this.#listeners) l({ kind: 'failing', fault: f, err });
  }

  succeeded(source: FaultSource = 'writes'): void {
    const f = this.#faults.get(source);
    if (!f) return;
    this.#faults.delete(source);
    if (this.#faults.size > 0) return; // another writer is still failing
    for (const l of this.#listeners) l({ kind: 'recovered', fault: f });
  }

  /** The oldest fault still open, if any. */
  get current(): StorageFault | undefined {
    let oldest: StorageFault | undefined;
    for (const f of this.#faults.values()) if (!oldest || f.since < oldest.since) oldest = f;
    return oldest;
  }

  /** Writers failing now (0: healthy). */
  get openCount(): number {
    return this.#faults.size;
  }

  on(l: FaultListener): void {
    this.#listeners.push(l);
  }
}
