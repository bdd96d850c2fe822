// WAL checkpoints off the event loop (issue 12.5: periodic work never stops the loop for more
// than a few milliseconds). SQLite's automatic checkpoint runs inside the COMMIT that crosses
// 1,000 WAL pages, on the writer's thread: with readings arriving at a few thousand a second
// that was one group commit in ten taking 15–60 ms instead of 0.6 ms, on the event loop and in
// front of the QoS 1 PUBACKs (measured: 200-row commits on this machine, p99 15–26 ms, max
// 22–61 ms; without it p99 5 ms). Here the writer's automatic checkpoint is off and a worker
// thread with its own connection to the same file runs PASSIVE checkpoints: they copy
// committed pages into the database file without taking the write lock, so commits go on
// beside them. SQLite restarts the WAL from its start only when a write begins after a
// checkpoint has caught up completely, which under a steady stream of commits it never has
// (measured: the WAL grew to 1 GB). So each round has two passes: the bulk beside the commits,
// then a short one while the group commit is held (`quiet`: only what was written meanwhile,
// and the syncs, a few ms, in the worker: the event loop goes on, only PUBACKs wait), after
// which the next commit restarts the WAL. Durability is unchanged (a checkpoint only moves
// committed pages; the WAL is the record). If the worker fails, the writer's automatic
// checkpoint is switched back on: the WAL never grows without bound.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

export interface CheckpointResult {
  /** Pages in the WAL and pages moved into the database file (sqlite3_wal_checkpoint_v2). */
  log: number;
  checkpointed: number;
  /** The checkpoint could not finish (a reader or writer was in the way); the next one goes on. */
  busy: boolean;
  /** It was a RESTART (a WAL past its limit), not a PASSIVE checkpoint. */
  restart: boolean;
  /** It failed (a full or failing disk: code and message); the next round tries again. */
  error?: string;
  ms: number;
}

export interface Checkpointer {
  /** One PASSIVE checkpoint now (`restart`: RESTART, so the next commit starts the WAL afresh); resolves with what it did. */
  checkpoint(restart?: boolean): Promise<CheckpointResult>;
  /** One round as the timer runs it: the bulk pass, then the quiet one; resolves with the last. */
  round(): Promise<CheckpointResult>;
  /** Stops the worker and waits (synchronously, up to `closeWaitMs`) for it to close its connection. */
  close(): void;
}

export interface CheckpointerOptions {
  /** Between checkpoints; 0 = no timer (tests call checkpoint()). */
  everyMs: number;
  onResult?: (r: CheckpointResult) => void;
  /** The worker failed; the writer checkpoints for itself again. */
  onFailure?: (err: Error) => void;
  /** Holds the writer's commits until the returned release (WriteQueue.hold). */
  quiet?: () => () => void;
  /** The longest the commits are held, whatever the worker does (default 200 ms). */
  maxQuietMs?: number;
  closeWaitMs?: number;
  /** The WAL file is cut back to this at a restart, and a WAL past it is made to restart (64 MiB). */
  journalLimitBytes?: number;
  /** The longest the event loop waits for a RESTART of a WAL past the limit (50 ms). */
  restartBlockMs?: number;
}

const JOURNAL_LIMIT_BYTES = 64 * 1024 * 1024;
const MAX_BULK_PASSES = 4;
const SHORT_PASS_MS = 8;
const RESTART_BLOCK_MS = 50;

// Plain CommonJS, run with `eval`: a worker does not inherit the tsx loader.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
// Never wait for a lock: a PASSIVE checkpoint that meets one does what it can and says busy.
db.pragma('busy_timeout = 0');
const closed = new Int32Array(workerData.closed);
const restarted = new Int32Array(workerData.restarted);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
    return;
  }
  const t0 = performance.now();
  try {
    const [r] = db.pragma(m.restart ? 'wal_checkpoint(RESTART)' : 'wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ id: m.id, log: r.log, checkpointed: r.checkpointed, busy: r.busy !== 0, restart: m.restart, ms: performance.now() - t0 });
  } catch (err) {
    // SQLITE_BUSY: another checkpoint is running, nothing is wrong. Anything else (a full or
    // failing disk) is reported and the next round tries again: the worker stays.
    const busy = Boolean(err && err.code === 'SQLITE_BUSY');
    const error = busy ? undefined : [err && err.code, err && err.message].filter(Boolean).join(': ') || String(err);
    parentPort.postMessage({ id: m.id, log: -1, checkpointed: -1, busy, restart: m.restart, error, ms: performance.now() - t0 });
  } finally {
    // The writer waits on this for a RESTART (restartBlockMs): it may write again.
    if (m.restart) {
      Atomics.store(restarted, 0, 1);
      Atomics.notify(restarted, 0);
    }
  }
});
`;

export function startCheckpointer(db: Database, opts: CheckpointerOptions): Checkpointer {
  const closed = new SharedArrayBuffer(4);
  const restarted = new Int32Array(new SharedArrayBuffer(4));
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { path: db.name, driver, closed, restarted: restarted.buffer } });
  // The writer no longer checkpoints on COMMIT; the worker does, beside it. A restarted WAL
  // is cut back to this size, so a burst does not leave a large file behind.
  db.pragma('wal_autocheckpoint = 0');
  const limitBytes = opts.journalLimitBytes ?? JOURNAL_LIMIT_BYTES;
  db.pragma(`journal_size_limit = ${limitBytes}`);
  let failed = false;
  let stopping = false;
  let seq = 0;
  const waiting = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    clearInterval(timer);
    if (db.open) db.pragma('wal_autocheckpoint = 1000'); // SQLite's default
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
    opts.onFailure?.(err);
  };
  worker.on('message', (m: CheckpointResult & { id: number }) => {
    const { id, ...r } = m;
    opts.onResult?.(r);
    waiting.get(id)?.resolve(r);
    waiting.delete(id);
  });
  // A SqliteError crosses the thread boundary as a bare { code }: say what it was.
  worker.on('error', (err: Partial<Error> & { code?: string }) => fail(new Error(`checkpoint worker failed: ${[err.code, err.message].filter(Boolean).join(': ') || String(err)}`)));
  worker.on('exit', (code) => stopping || fail(new Error(`checkpoint worker exited (code ${code})`)));
  let inFlight = false;
  const checkpoint = (restart = false): Promise<CheckpointResult> => {
    if (failed) return Promise.reject(new Error('checkpoint worker has failed'));
    const id = ++seq;
    return new Promise<CheckpointResult>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, restart });
    });
  };
  const pageBytes = Number(db.pragma('page_size', { simple: true }));
  const round = async (): Promise<CheckpointResult> => {
    let bulk = await checkpoint();
    // Passes beside the commits until one is short, so that little is left for the quiet one.
    for (let i = 1; i < MAX_BULK_PASSES && bulk.ms > SHORT_PASS_MS; i++) bulk = await checkpoint();
    // Nothing in the WAL, or no way to hold the writer: the bulk pass is all there is.
    if (bulk.log <= 0 || !opts.quiet) return bulk;
    const release = opts.quiet();
    const bound = setTimeout(release, opts.maxQuietMs ?? 200);
    try {
      // A WAL past the limit is made to restart: writes outside the group commit (provisioning
      // thousands of meters through the API) never leave the moment in which SQLite restarts
      // it by itself, and it grew to 921 MiB in the load bench's provisioning; the next commit
      // then cut it back to the limit on the event loop, a 360–630 ms stall in front of the
      // first readings' PUBACKs. RESTART (busy at once if a writer is active: the next round
      // tries again) makes the next commit start the WAL afresh while it is barely past the
      // limit, so the cut is small.
      if (bulk.log * pageBytes <= limitBytes) return await checkpoint();
      // A RESTART needs a moment with no write in progress on this connection, and writes in a
      // tight loop (a bulk import) left it none: on a busy CI machine 2 restarts in 200 rounds,
      // the WAL at 86 MB. So the event loop waits (up to restartBlockMs) while the worker
      // restarts: no write of ours can begin meanwhile, so the RESTART is not busy. That wait
      // costs no more than a write begun during the RESTART would, which waits for the write
      // lock the RESTART holds; and it is what is left after the bulk passes, a few ms, only in
      // rounds where the WAL is past the limit.
      Atomics.store(restarted, 0, 0);
      const done = checkpoint(true);
      Atomics.wait(restarted, 0, 0, opts.restartBlockMs ?? RESTART_BLOCK_MS);
      return await done;
    } finally {
      clearTimeout(bound);
      release();
    }
  };
  const timer = setInterval(() => {
    // One at a time: a slow disk must not queue checkpoints behind each other.
    if (inFlight || failed) return;
    inFlight = true;
    round()
      .catch(() => {})
      .finally(() => (inFlight = false));
  }, opts.everyMs || 2 ** 31 - 1);
  timer.unref();
  worker.unref();
  return {
    checkpoint,
    round,
    close() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      if (failed) return;
      worker.postMessage('stop');
      // Wait for the worker's connection to close, so the writer's close is the last one and
      // SQLite checkpoints and removes the WAL. Bounded: a stuck disk does not hang shutdown.
      Atomics.wait(new Int32Array(closed), 0, 0, opts.closeWaitMs ?? 5000);
      void worker.terminate();
    },
  };
}
