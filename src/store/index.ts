// The SQLite store: one connection, migrated at open, repositories over it.
// better-sqlite3 is synchronous; every call here is short and indexed. Per-message writes
// go through the group-commit queue (`writes`); storage faults are tracked in `faults` and
// turn /health red; an unusable file at open is one clear StoreOpenError.
import Database from 'better-sqlite3';
import { type CheckpointResult, type Checkpointer, startCheckpointer } from './checkpointer.ts';
import { StoreFaults } from './faults.ts';
import { StoreOpenError, explainOpenError } from './open-error.ts';
import { ProcessingView, invalidatingWrites } from './processing-view.ts';
import { WriteQueue } from './write-queue.ts';
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
import { loginFailuresRepo } from './login-failures.ts';
import { accessLogRepo } from './access-log.ts';
import { erasureRepo } from './erasure.ts';
import { tsErasuresRepo } from './ts-erasures.ts';
import { familyLinksRepo } from './family-links.ts';
import { outboxRepo } from './outbox.ts';
import { smsRepliesRepo } from './sms-replies.ts';

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
  /** Failed sign-ins per username / address, so a lockout survives a restart. */
  loginFailures: ReturnType<typeof loginFailuresRepo>;
  accessLog: ReturnType<typeof accessLogRepo>;
  erasure: ReturnType<typeof erasureRepo>;
  /** Deletions of erased households' points in InfluxDB still to be sent (src/timeseries/erase.ts). */
  tsErasures: ReturnType<typeof tsErasuresRepo>;
  familyLinks: ReturnType<typeof familyLinksRepo>;
  /** Notifications (durable outbox), their attempts, the planner's wake-ups. */
  outbox: ReturnType<typeof outboxRepo>;
  /** SMS replies already applied (a provider's re-pushed callback is applied once). */
  smsReplies: ReturnType<typeof smsRepliesRepo>;
  /** Migration ids applied by this open (empty when the file was current). */
  migrated: number[];
  /** Group commit for per-message writes (readings, dead letters); see write-queue.ts. */
  writes: WriteQueue;
  /** The current storage fault, if any (disk full, locked, read-only…). */
  faults: StoreFaults;
  /** A trivial query: false when the database cannot be read (for /health). */
  ping(): boolean;
  /** The connection, for maintenance and fault-injection tests only; the service uses the repositories. */
  db: Database.Database;
  /** WAL checkpoints off the event loop (checkpointer.ts); null for ':memory:' or when not asked for. */
  checkpointer: Checkpointer | null;
  /** Commits what is queued, then closes. */
  close(): void;
}

export interface StoreOptions {
  commitMs?: number;
  commitRows?: number;
  deadLetters?: { perMeter: number; totalRows: number; totalBytes: number };
  /** Verified meter tokens kept (keyed HMACs), 0 = no cache. */
  tokenCacheEntries?: number;
  /** A write that could never succeed (not a storage fault): the caller logs it. */
  onPermanentWriteError?: (err: unknown) => void;
  now?: () => number;
  /** WAL checkpoints in a worker thread every this many ms (checkpointer.ts); 0 or absent:
   *  SQLite's automatic checkpoint, on the writer's thread. Files only. */
  checkpointMs?: number;
  onCheckpoint?: (r: CheckpointResult) => void;
  /** The WAL's size limit (checkpointer.ts; default 64 MiB; tests use a small one). */
  journalLimitBytes?: number;
  /** The longest the event loop waits for the RESTART of a WAL past its limit (default 50 ms). */
  restartBlockMs?: number;
  onCheckpointFailure?: (err: Error) => void;
}

/**
 * `path` is a file or ':memory:'. A file that is corrupt, not a database, read-only, from
 * a newer build or in a directory that cannot be written throws a StoreOpenError whose
 * message says what is wrong and what to do.
 */
export function openStore(path: string, opts: StoreOptions = {}): Store {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (err) {
    throw explainOpenError(path, err);
  }
  try {
    // WAL lets readers (HTTP) run beside the writer (ingest); it is a no-op for ':memory:'.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Another process (a backup, an operator's sqlite3 shell) may hold the write lock. Wait
    // only briefly: better-sqlite3 waits ON the event loop, and issue 11 saw a 5 s timeout
    // freeze acknowledgements and /health for 9.9 s. A queued write is retried by the
    // write queue instead, and /health says "locked" meanwhile.
    db.pragma('busy_timeout = 50');
    // With WAL, NORMAL is durable across process crashes; only power loss may lose the last commits.
    db.pragma('synchronous = NORMAL');
    const migrated = migrate(db);
    // A read-only file opens fine and fails at the first write: find out now (a schema
    // change needs a real page write; the rollback leaves nothing behind).
    if (path !== ':memory:') {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.exec('CREATE TABLE anxin_write_check (x)');
      } finally {
        db.exec('ROLLBACK');
      }
    }
    const faults = new StoreFaults(opts.now);
    const writes = new WriteQueue(db, faults, {
      commitMs: opts.commitMs ?? 0,
      commitRows: opts.commitRows ?? 500,
      onPermanentError: opts.onPermanentWriteError ?? (() => {}),
    });
    const checkpointer =
      path !== ':memory:' && opts.checkpointMs
        ? startCheckpointer(db, { everyMs: opts.checkpointMs, onResult: opts.onCheckpoint, onFailure: opts.onCheckpointFailure, quiet: () => writes.hold(), journalLimitBytes: opts.journalLimitBytes, restartBlockMs: opts.restartBlockMs })
        : null;
    // A legacy verifier's upgrade rides the group commit: a storm of 10,000 costs a few transactions, not 10,000.
    const meters = metersRepo(db, {
      cacheEntries: opts.tokenCacheEntries,
      defer: (write) => {
        try {
          writes.add(write);
        } catch {
          // closing: the row keeps its old verifier and is upgraded at its next CONNECT
        }
      },
    });
    const processing = new ProcessingView(
      (id) => meters.isProcessingAllowed(id),
      () => meters.processingAllowedIds(),
    );
    const forget = () => processing.invalidate();
    const timeseries = timeseriesRepo(db);
    const tsErasures = tsErasuresRepo(db);
    return {
      households: invalidatingWrites(householdsRepo(db), ['get', 'list', 'consentHistory'], forget),
      contacts: contactsRepo(db),
      meters: {
        ...invalidatingWrites(meters, ['get', 'list', 'householdOf', 'isProcessingAllowed', 'processingAllowedIds', 'verify', 'verifyAsync', 'verifyCached', 'upgradedVerifiers', 'onChange'], forget),
        // Asked once per message by ingest: from memory (processing-view.ts).
        isProcessingAllowed: (id: string) => processing.allowed(id),
      },
      alerts: alertsRepo(db),
      deadLetters: deadLettersRepo(db, opts.deadLetters),
      readings: readingsRepo(db),
      detectorSnapshots: detectorSnapshotsRepo(db),
      timeseries,
      users: usersRepo(db),
      sessions: sessionsRepo(db),
      loginFailures: loginFailuresRepo(db),
      accessLog: accessLogRepo(db),
      erasure: erasureRepo(db, { spool: timeseries, tsErasures }),
      tsErasures,
      familyLinks: familyLinksRepo(db),
      outbox: outboxRepo(db),
      smsReplies: smsRepliesRepo(db),
      migrated,
      writes,
      faults,
      db,
      checkpointer,
      ping() {
        try {
          return db.prepare('SELECT 1 AS one').get() !== undefined;
        } catch {
          return false;
        }
      },
      close() {
        if (!db.open) return;
        writes.close();
        checkpointer?.close();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err instanceof StoreOpenError ? err : explainOpenError(path, err);
  }
}

export { isFailure, type Failure } from './failure.ts';
export { StoreOpenError } from './open-error.ts';
export { isTransient, type StorageFault } from './faults.ts';
export type { MeterChange, MeterChangeListener } from './meters.ts';
export type { NewHousehold, HouseholdPatch, ConsentLogEntry } from './households.ts';
export type { NewContact } from './contacts.ts';
export type { VerifyResult } from './meters.ts';
export type { AlertEvent, AlertEventKind, AlertQuery } from './alerts.ts';
export type { DeadLetter, NewDeadLetter } from './dead-letters.ts';
export type { DetectorSnapshotRow } from './detector-snapshots.ts';
export type { User, NewUser, Role } from './users.ts';
export type { AccessEntry, AccessQuery } from './access-log.ts';
