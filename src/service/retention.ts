// Retention for every table that grows (issue 11.5), enforced by the daily job (src/app.ts):
// each run deletes what is older than its table's limit, erases the households whose consent
// withdrawal grace period has passed, and logs what it removed.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Store } from '../store/index.ts';
import type { PrivacyActions } from './consent-lifecycle.ts';
import { runSliced } from '../jobs/sliced.ts';

const days = (d: number) => z.number().int().min(1).default(d);

export const RetentionSchema = z.strictObject({
  /** Raw readings (the dashboard's charts; the detector keeps what it learned separately). */
  readingsDays: days(30),
  /** Rejected payloads. */
  deadLetterDays: days(90),
  /** Resolved alerts with their history (open ones are never pruned). */
  alertDays: days(365),
  /** The PIPL access log. China's Cybersecurity Law Art. 21 asks for network logs of at least six months. */
  accessLogDays: days(365),
  /** Detector state of meters the detector no longer holds (not saved for this long). */
  detectorSnapshotDays: days(30),
  /** The anonymised records that a household's consent existed and was withdrawn. */
  erasedRecordDays: days(3 * 365),
  /** SMS replies already applied (src/store/sms-replies.ts): providers re-push a callback within minutes. */
  smsReplyDays: days(7),
});
export type RetentionConfig = z.output<typeof RetentionSchema>;

const DAY = 86_400_000;

export async function runRetention(
  deps: {
    store: Store;
    retention: RetentionConfig;
    sessions: { idleMs: number; absoluteMs: number };
    privacy?: PrivacyActions;
    logger?: Logger;
    /** Per event-loop turn, the readings prune stops after about this long (default 4). */
    sliceMs?: number;
  },
  now: number,
): Promise<Record<string, number>> {
  const { store, retention: r } = deps;
  // Readings are the one table that is large (a day of a 10,000-meter fleet at 15 min is ~1 M
  // rows): deleted oldest first in slices of a few ms (issue 12.5), not in one statement that
  // would stop ingest, CONNECTs and HTTP for seconds. The others are small and bounded.
  const removed: Record<string, number> = {};
  // Each table on its own: one that fails (logged, and absent from the result) must not stop the
  // others, least of all the PIPL erasure of households whose grace period is over.
  const failed = (name: string, err: unknown) => deps.logger?.error({ err, table: name }, 'retention: this step failed; the others go on');
  const step = (name: string, prune: () => number) => {
    try {
      removed[name] = prune();
    } catch (err) {
      failed(name, err);
    }
  };
  try {
    removed.readings = (await runSliced((limit) => store.readings.pruneSome(now - r.readingsDays * DAY, limit), { budgetMs: deps.sliceMs ?? 4 })).done;
  } catch (err) {
    failed('readings', err);
  }
  step('deadLetters', () => store.deadLetters.prune(now - r.deadLetterDays * DAY));
  step('alerts', () => store.erasure.pruneResolvedAlerts(now - r.alertDays * DAY));
  step('accessLog', () => store.accessLog.prune(now - r.accessLogDays * DAY));
  step('detectorSnapshots', () => store.erasure.pruneDetectorSnapshots(now - r.detectorSnapshotDays * DAY));
  step('erasedRecords', () => store.erasure.pruneRecords(now - r.erasedRecordDays * DAY));
  step('smsReplies', () => store.smsReplies.prune(now - r.smsReplyDays * DAY));
  step('sessions', () => store.sessions.prune(now, deps.sessions));
  const erased =
    (await deps.privacy?.eraseDue((householdId, err) => deps.logger?.error({ err, householdId }, 'retention: this household could not be erased now; retried at the next run'))) ?? [];
  removed.erasedHouseholds = erased.length;
  for (const e of erased) deps.logger?.info({ householdId: e.householdId, removed: e.removed }, 'household erased after consent withdrawal (grace period over)');
  deps.logger?.info({ removed }, 'retention: removed old rows');
  return removed;
}
