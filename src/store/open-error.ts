// One clear message when the database cannot be used at start (issue 11.8): what is wrong
// with which file and what the operator can do — not a stack trace from deep in SQLite.
import { sqliteCode } from './faults.ts';

export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export function explainOpenError(path: string, err: unknown): StoreOpenError {
  const code = sqliteCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  const say = (what: string) => new StoreOpenError(`cannot use the database ${path}: ${what}`, code);
  if (code?.startsWith('SQLITE_NOTADB') || code?.startsWith('SQLITE_CORRUPT'))
    return say(`the file is not an SQLite database or is corrupt (${detail}). Restore it from a backup, or move it away to start with an empty one.`);
  if (code?.startsWith('SQLITE_READONLY'))
    return say(`the file or its directory is read-only (${detail}). Anxin writes to it: fix the permissions or the mount, or set ANXIN_DB to a writable path.`);
  // better-sqlite3 checks the directory itself and throws a TypeError without a code.
  if (code?.startsWith('SQLITE_CANTOPEN') || /directory does not exist/.test(detail))
    return say(`it cannot be opened or created (${detail}). Check that the directory exists and is writable, or set ANXIN_DB.`);
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED'))
    return say(`another process holds it locked (${detail}). Stop the other process (a backup, a sqlite3 shell) and start again.`);
  if (code?.startsWith('SQLITE_FULL')) return say(`the disk is full (${detail}). Free some space and start again.`);
  return say(detail);
}
