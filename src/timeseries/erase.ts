// PIPL Art. 47: deletes an erased household's points InfluxDB already holds, through the
// InfluxDB 2 delete API (https://docs.influxdata.com/influxdb/v2/write-data/delete-data/):
//   POST {url}/api/v2/delete?org=<org>&bucket=<bucket>, Authorization: Token <token>,
//   {"start":"1970-01-01T00:00:00Z","stop":"<now + 2 days>","predicate":"household=\"<id>\""}
// The predicate names no _measurement: every measurement tagged with the household goes.
// Durable: the request is a ts_erasures row written in the erasure's own transaction; it is
// removed when InfluxDB answers 204. Network errors, timeouts, 429 and 5xx are retried with
// the spool's backoff (retryMs doubling up to maxBackoffMs); another 4xx (bad token, no
// permission, bad request) would fail the same way again: the row is kept with its error,
// a warning is logged and counted, and it is tried again at the next start only.
// The household id is not logged (the erasure's own log line is the record of it).
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import type { TsErasuresRepo } from '../store/ts-erasures.ts';
import { DEFAULT_PLAUSIBILITY } from '../ingest/validate.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface EraserDeps {
  repo: TsErasuresRepo;
  url: string;
  org: string;
  bucket: string;
  token: () => string;
  timeoutMs: number;
  retryMs: number;
  maxBackoffMs: number;
  clock: () => number;
  logger: Logger;
  metrics: Pick<Metrics, 'timeseriesErasures' | 'timeseriesErasuresPending'>;
  timers?: Timers;
  /** Awaited before each round: points handed to the writer before the erasure have landed (or are spooled). */
  beforeSend?: () => Promise<void>;
}

/** A delete predicate matching the tag household = id exactly (InfluxQL-like string: `\` and `"` escaped). */
export const householdPredicate = (householdId: string): string => `household="${householdId.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * How far past the time of sending the delete reaches. Anxin writes points stamped ahead of its
 * clock: a fast meter's readings (ingest accepts up to DEFAULT_PLAUSIBILITY.maxFutureMs, a day,
 * ahead; the detector's clock.maxFutureMs is less) and their usage buckets. InfluxDB deletes
 * only [start, stop], so a stop of "now" left those points behind. Twice ingest's limit covers
 * them; nothing of the household is written after its erasure, so no later point is at stake.
 */
export const DELETE_AHEAD_MS = 2 * DEFAULT_PLAUSIBILITY.maxFutureMs;

export const deleteBody = (householdId: string, now: number) => ({
  start: '1970-01-01T00:00:00Z',
  stop: new Date(now + DELETE_AHEAD_MS).toISOString(),
  predicate: householdPredicate(householdId),
});

type Outcome = 'deleted' | 'retry' | 'rejected';

export function createSeriesEraser(d: EraserDeps) {
  const timers = d.timers ?? realTimers;
  const endpoint = new URL('api/v2/delete', d.url.endsWith('/') ? d.url : `${d.url}/`);
  endpoint.searchParams.set('org', d.org);
  endpoint.searchParams.set('bucket', d.bucket);
  let backoff = d.retryMs;
  let timer: unknown;
  let running: Promise<void> | undefined;
  let closed = false;
  let first = true; // the first round after a start also tries the rows InfluxDB refused before
  let again = false; // an erasure recorded while a round ran (it may have read the rows before)

  async function sendOne(householdId: string): Promise<{ outcome: Outcome; error?: string }> {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { Authorization: `Token ${d.token()}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(deleteBody(householdId, d.clock())),
        signal: AbortSignal.timeout(d.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { outcome: 'retry', error: e.cause?.code ?? e.name ?? 'network error' };
    }
    const text = await res.text().catch(() => '');
    if (res.status === 204 || (res.status >= 200 && res.status < 300)) return { outcome: 'deleted' };
    const error = `HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ''}`;
    if (res.status === 429 || res.status >= 500) return { outcome: 'retry', error };
    return { outcome: 'rejected', error };
  }

  function round(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    again = false;
    running = (async () => {
      await d.beforeSend?.();
      const rows = d.repo.pending({ includeRejected: first });
      let retry = false;
      for (const row of rows) {
        if (closed) return;
        const r = await sendOne(row.householdId);
        // InfluxDB's message may quote the predicate: the id is not logged (the row keeps it all).
        const logged = r.error?.split(row.householdId).join('<household>');
        d.metrics.timeseriesErasures.inc({ outcome: r.outcome });
        if (r.outcome === 'deleted') {
          d.repo.done(row.householdId);
          d.logger.info({ attempts: row.attempts + 1 }, 'erased household\'s points deleted from InfluxDB');
        } else if (r.outcome === 'rejected') {
          d.repo.failed(row.householdId, r.error!, d.clock());
          d.logger.warn({ error: logged, attempts: row.attempts + 1 }, 'InfluxDB refused to delete an erased household\'s points; kept in ts_erasures, tried again at the next start');
        } else {
          d.repo.failed(row.householdId, r.error!);
          d.logger.warn({ error: logged, attempts: row.attempts + 1, retryInMs: backoff }, 'deleting an erased household\'s points from InfluxDB failed; will retry');
          retry = true;
          break; // the server is down or throttling: the rest waits for the same retry
        }
      }
      if (retry) {
        const delay = backoff;
        backoff = Math.min(backoff * 2, d.maxBackoffMs);
        schedule(delay);
      } else {
        backoff = d.retryMs;
        first = false;
      }
    })()
      .catch((err: unknown) => d.logger.error({ err }, 'sending erasures to InfluxDB failed'))
      .finally(() => {
        running = undefined;
        d.metrics.timeseriesErasuresPending.set({}, d.repo.count());
        if (again && !closed) schedule(0);
      });
    return running;
  }

  /** A round after `delayMs` (0: an erasure was just recorded). A pending retry keeps its time unless now. */
  function schedule(delayMs = 0): void {
    if (closed) return;
    if (timer !== undefined) {
      if (delayMs > 0) return;
      timers.clearTimeout(timer);
    }
    timer = timers.setTimeout(() => {
      timer = undefined;
      void round();
    }, delayMs);
  }

  d.metrics.timeseriesErasuresPending.set({}, d.repo.count());
  if (d.repo.count() > 0) schedule(0); // left from before a restart

  return {
    /** An erasure was just recorded: a round at once. */
    schedule: () => (running ? void (again = true) : schedule(0)),
    /** Sends the pending deletions now (or joins the round running). */
    send: round,
    /** Resolves when no round is running. */
    settled: (): Promise<void> => (running ?? Promise.resolve()).then(() => {}),
    pending: () => d.repo.count(),
    async close(): Promise<void> {
      closed = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}

export type SeriesEraser = ReturnType<typeof createSeriesEraser>;
