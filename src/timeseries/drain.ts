// Re-sends the spool to InfluxDB oldest first, one request of `batch` points at a time,
// deleting each step only after the server accepted it. A failure keeps the points and
// retries after an exponential backoff (retryMs doubling up to maxBackoffMs); a step the
// server rejects as malformed (it would fail forever and block everything behind it) is
// dropped and counted by the caller's `onError`.
import type { WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from 'pino';
import type { TimeseriesRepo } from '../store/timeseries.ts';

export interface DrainDeps {
  spool: TimeseriesRepo;
  /** A WriteApi that never flushes on its own (flushInterval 0, batchSize > batch). */
  api: WriteApi;
  batch: number;
  retryMs: number;
  maxBackoffMs: number;
  logger: Logger;
  /** Counts and logs a failed step; returns whether its points are worth keeping. */
  onError(err: Error, lines: string[]): boolean;
  onWritten(n: number): void;
}

export function createSpoolDrain(d: DrainDeps) {
  let closed = false;
  let backoff = d.retryMs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  function schedule(delayMs = backoff): void {
    if (closed || running) return;
    // A pending retry keeps its time (a stream of live failures must not postpone it), unless now.
    if (timer && delayMs > 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      drain().catch((err) => d.logger.error({ err }, 'draining the spool failed'));
    }, delayMs);
    timer.unref();
  }

  /** Sends the spool until it is empty or a write fails; returns the points written. */
  function drain(): Promise<number> {
    if (running) return running;
    running = (async () => {
      let total = 0;
      while (!closed) {
        const rows = d.spool.head(d.batch);
        if (!rows.length) break;
        const lines = rows.map((r) => r.line);
        d.api.writeRecords(lines);
        let written = true;
        try {
          await d.api.flush();
        } catch (err) {
          written = false;
          if (d.onError(err as Error, lines)) {
            backoff = Math.min(backoff * 2, d.maxBackoffMs);
            return total;
          }
        }
        d.spool.remove(rows[rows.length - 1]!.id);
        if (written) {
          d.onWritten(rows.length);
          total += rows.length;
        }
      }
      backoff = d.retryMs;
      if (total) d.logger.info({ points: total, spool: d.spool.count() }, 'spool drained to InfluxDB');
      return total;
    })().finally(() => {
      running = undefined;
      if (!closed && d.spool.count() > 0 && !timer) schedule(backoff);
    });
    return running;
  }

  return {
    schedule,
    drain,
    busy: () => running !== undefined,
    /** Resolves when no step is in flight (without starting one). */
    idle: (): Promise<void> => (running ?? Promise.resolve()).then(() => {}, () => {}),
    /** Stops retrying and waits for a running step; what is left stays spooled. */
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
      await d.api.close().catch(() => {});
    },
  };
}
