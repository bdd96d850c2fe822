// SMS replies already applied, so that a callback the provider pushes again (it did not see our
// answer in time; both Tencent and Alibaba SmsUp re-push) acknowledges nothing a second time —
// across restarts too, hence a table and not a memory set. The key is a keyed hash of the
// provider's reference, which holds the sender's number (PIPL: never kept in clear here); rows
// leave by retention (retention.smsReplyDays), long after any provider stops re-pushing.
import type { Database } from 'better-sqlite3';

export function smsRepliesRepo(db: Database) {
  const insert = db.prepare('INSERT INTO sms_replies_seen (ref, at) VALUES (?, ?) ON CONFLICT (ref) DO NOTHING');
  const del = db.prepare('DELETE FROM sms_replies_seen WHERE ref = ?');
  const prune = db.prepare('DELETE FROM sms_replies_seen WHERE at < ?');
  return {
    /** true the first time this reply is seen (and records it); false for a re-push. */
    first(ref: string, at: number): boolean {
      return insert.run(ref, at).changes > 0;
    },
    /** Applying it failed: the provider's next push must be applied, not dropped. */
    forget(ref: string): void {
      del.run(ref);
    },
    prune(before: number): number {
      return prune.run(before).changes;
    },
  };
}

export type SmsRepliesRepo = ReturnType<typeof smsRepliesRepo>;
