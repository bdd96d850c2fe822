// The SQLite store: one connection, migrated at open, repositories over it.
// better-sqlite3 is synchronous; every call here is short and indexed.
import Database from 'better-sqlite3';
import { migrate } from './migrate.ts';
import { householdsRepo } from './households.ts';
import { contactsRepo } from './contacts.ts';
import { metersRepo } from './meters.ts';
import { alertsRepo } from './alerts.ts';
import { deadLettersRepo } from './dead-letters.ts';
import { readingsRepo } from './readings.ts';
import { detectorSnapshotsRepo } from './detector-snapshots.ts';
import { timeseriesRepo } from './timeseries.ts';
import { usersRepo } from './users.ts';
import { sessionsRepo } from './sessions.ts';
import { accessLogRepo } from './access-log.ts';
import { erasureRepo } from './erasure.ts';
import { familyLinksRepo } from './family-links.ts';
import { outboxRepo } from './outbox.ts';

export interface Store {
  households: ReturnType<typeof householdsRepo>;
  contacts: ReturnType<typeof contactsRepo>;
  meters: ReturnType<typeof metersRepo>;
  alerts: ReturnType<typeof alertsRepo>;
  deadLetters: ReturnType<typeof deadLettersRepo>;
  readings: ReturnType<typeof readingsRepo>;
  detectorSnapshots: ReturnType<typeof detectorSnapshotsRepo>;
  /** The time-series spool and usage buckets (src/timeseries). */
  timeseries: ReturnType<typeof timeseriesRepo>;
  users: ReturnType<typeof usersRepo>;
  sessions: ReturnType<typeof sessionsRepo>;
  accessLog: ReturnType<typeof accessLogRepo>;
  erasure: ReturnType<typeof erasureRepo>;
  familyLinks: ReturnType<typeof familyLinksRepo>;
  /** Notifications (durable outbox), their attempts, the planner's wake-ups. */
  outbox: ReturnType<typeof outboxRepo>;
  /** Migration ids applied by this open (empty when the file was current). */
  migrated: number[];
  /** A trivial query: false when the database cannot be read (for /health). */
  ping(): boolean;
  close(): void;
}

/** `path` is a file or ':memory:'. Throws if the file is from a newer build. */
export function openStore(path: string): Store {
  const db = new Database(path);
  try {
    // WAL lets readers (HTTP) run beside the writer (ingest); it is a no-op for ':memory:'.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Another process (a CLI, a backup) may hold the write lock briefly: wait, do not fail.
    db.pragma('busy_timeout = 5000');
    // With WAL, NORMAL is durable across process crashes; only power loss may lose the last commits.
    db.pragma('synchronous = NORMAL');
    const migrated = migrate(db);
    return {
      households: householdsRepo(db),
      contacts: contactsRepo(db),
      meters: metersRepo(db),
      alerts: alertsRepo(db),
      deadLetters: deadLettersRepo(db),
      readings: readingsRepo(db),
      detectorSnapshots: detectorSnapshotsRepo(db),
      timeseries: timeseriesRepo(db),
      users: usersRepo(db),
      sessions: sessionsRepo(db),
      accessLog: accessLogRepo(db),
      erasure: erasureRepo(db),
      familyLinks: familyLinksRepo(db),
      outbox: outboxRepo(db),
      migrated,
      ping() {
        try {
          return db.prepare('SELECT 1 AS one').get() !== undefined;
        } catch {
          return false;
        }
      },
      close() {
        if (db.open) db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

export { isFailure, type Failure } from './failure.ts';
export type { NewHousehold, HouseholdPatch, ConsentLogEntry } from './households.ts';
export type { NewContact } from './contacts.ts';
export type { VerifyResult } from './meters.ts';
export type { AlertEvent, AlertEventKind, AlertQuery } from './alerts.ts';
export type { DeadLetter, NewDeadLetter } from './dead-letters.ts';
export type { DetectorSnapshotRow } from './detector-snapshots.ts';
export type { User, NewUser, Role } from './users.ts';
export type { AccessEntry, AccessQuery } from './access-log.ts';
