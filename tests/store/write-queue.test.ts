// The group commit's pace (src/store/write-queue.ts): a turn commits batch after batch while
// its budget lasts, so what one poll phase took in is committed in the next check phase
// instead of one batch (commitRows) per turn falling behind; past the budget the rest waits
// for the next turn. The time a commit takes is a fake clock the writes themselves advance.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreFaults } from '../../src/store/faults.ts';
import { WriteQueue } from '../../src/store/write-queue.ts';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

/** One check phase: a setImmediate queued after the queue's own runs after it. */
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

function queue(opts: { commitMs?: number; turnBudgetMs?: number; msPerWrite?: number } = {}) {
  const db = new Database(':memory:');
  dbs.push(db);
  db.exec('CREATE TABLE t (x INTEGER)');
  let t = 0;
  const q = new WriteQueue(db, new StoreFaults(), {
    commitMs: opts.commitMs ?? 0,
    commitRows: 2,
    onPermanentError: (err) => {
      throw err;
    },
    turnBudgetMs: opts.turnBudgetMs,
    now: () => t,
  });
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
  const add = (x: number) =>
    q.add(() => {
      insert.run(x);
      t += opts.msPerWrite ?? 0;
    });
  const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  return { q, add, count };
}

describe('write queue: commits per turn', () => {
  it('commits every due batch in the next check phase while the budget lasts', async () => {
    const { q, add, count } = queue();
    for (let i = 0; i < 7; i++) add(i); // four batches of ≤ 2 rows
    const done = q.barrier();
    await nextTurn();
    expect(count()).toBe(7); // one batch per turn would have left 5 rows uncommitted
    await done;
    expect(q.pendingRows).toBe(0);
  });

  it('stops at the budget and commits the rest in later turns, in order', async () => {
    // Each row takes 3 ms: a batch of 2 takes 6 ms; with 10 ms, the second batch starts at
    // 6 ms and the third would start at 12 ms: two batches per turn.
    const { q, add, count } = queue({ turnBudgetMs: 10, msPerWrite: 3 });
    for (let i = 0; i < 8; i++) add(i);
    await nextTurn();
    expect(count()).toBe(4);
    expect(q.pendingRows).toBe(4);
    await nextTurn();
    expect(count()).toBe(8);
  });

  it('with a commit delay, a partial last batch still waits for its timer', async () => {
    const { q, add, count } = queue({ commitMs: 5 });
    for (let i = 0; i < 5; i++) add(i); // two full batches, then one row
    await nextTurn();
    expect(count()).toBe(4);
    expect(q.pendingRows).toBe(1);
    await q.barrier();
    expect(count()).toBe(5);
  });
});
