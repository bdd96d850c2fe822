// History to InfluxDB 2 through @influxdata/influxdb-client's WriteApi (gzip), in batches
// of our own (about every second), with a durable local spool instead of the client's
// in-memory retry buffer: the client is told not to retry (maxRetries 0), every failed batch
// lands in SQLite at once (writeFailed), and a drain loop re-sends the spool oldest first
// with exponential backoff. So between a point's creation and its write or spooling there
// is at most flushIntervalMs + timeoutMs in memory, and ingest never waits on the network:
// every call here is synchronous and only appends to the buffer. The buffer is ours, not the
// client's, so that a household's points not yet sent can be taken out of it at withdrawal.
// WriteApi contract: https://influxdata.github.io/influxdb-client-js/influxdb-client.writeoptions.html
import { InfluxDB, setLogger, type Point, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from 'pino';
import type { Reading } from '../domain/reading.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Store } from '../store/index.ts';
import type { TimeseriesConfig } from './config.ts';
import { classifyWriteError, isWorthKeeping } from './errors.ts';
import { alertEventPoint, readingPoint, rejectedPoint, usagePoint, type AlertEventInput } from './points.ts';
import { createPlacements } from './placement.ts';
import { createSpoolDrain } from './drain.ts';
import { spoolClassOf } from './schema.ts';
import { createUsageTracker, type UsageBucket } from './usage.ts';
import { taggedWith } from './line-protocol.ts';
import { createSeriesEraser, type Timers } from './erase.ts';
import { withDeadline } from './deadline.ts';

export interface WriterDeps {
  config: TimeseriesConfig;
  store: Pick<Store, 'timeseries' | 'meters' | 'households' | 'tsErasures' | 'readings'>;
  metrics: Metrics;
  clock: () => number;
  logger: Logger;
  /** Households' local time, for the hour and day buckets of usage. */
  utcOffsetMinutes: number;
  /** Timers of the erasure retries (tests drive them); default setTimeout, unref'd. */
  timers?: Timers;
}

export type TimeseriesWriter = ReturnType<typeof createTimeseriesWriter>;

const HOUR = 3_600_000;

export function createTimeseriesWriter(deps: WriterDeps) {
  const { config: c, store, metrics, clock, logger } = deps;
  if (!c.url || !c.token || !c.org || !c.bucket) throw new Error('timeseries: url, token, org and bucket are required');
  const spool = store.timeseries;
  const placements = createPlacements(store, clock);
  const usage = createUsageTracker({ utcOffsetMinutes: deps.utcOffsetMinutes, graceMs: c.usageGraceMinutes * 60_000 });
  // The client logs failures itself; ours are logged below with their class, once.
  setLogger({ error: (message, err) => logger.debug({ err }, message), warn: (message, err) => logger.debug({ err }, message) });

  // timeoutMs is both the idle timeout (the client's own) and each request's total deadline
  // (src/timeseries/deadline.ts: a server answering a byte at a time is timed out and spooled).
  const base = new InfluxDB({ url: c.url, token: c.token.reveal(), timeout: c.timeoutMs });
  const influx = new InfluxDB({ url: c.url, transport: withDeadline(base.transport, c.timeoutMs) });
  let inFlight = 0; // points handed to the live WriteApi and not yet written or spooled
  let idleWaiters: (() => void)[] = [];
  // Erased households (and their meters) whose points may still be in the client's buffer or
  // in flight: if that write fails, they are not spooled. Kept until every point handed to
  // the client before the erasure has settled (inFlight 0), so a meter id provisioned again
  // later is spooled as usual.
  const erased = { households: [] as string[], meters: [] as string[] };
  let isErased: ((line: string) => boolean) | undefined;
  const settled = (n: number) => {
    inFlight -= n;
    if (inFlight <= 0) {
      erased.households = [];
      erased.meters = [];
      isErased = undefined;
      for (const w of idleWaiters.splice(0)) w();
    }
  };

  /** Counts a failed write; returns whether its points are worth keeping. */
  const failed = (err: Error, lines: string[], source: 'live' | 'drain'): boolean => {
    const cls = classifyWriteError(err);
    metrics.timeseriesWriteErrors.inc({ class: cls });
    if (isWorthKeeping(cls)) return true;
    logger.error({ err, points: lines.length, sample: lines[0]?.slice(0, 200), source }, 'InfluxDB rejected points as malformed; they are dropped');
    return false;
  };
  const toSpool = (err: Error, all: string[]): void => {
    if (!failed(err, all, 'live')) return;
    const lines = isErased ? all.filter((l) => !isErased!(l)) : all;
    if (!lines.length) return;
    const r = spool.spool(lines.map((line) => ({ line, cls: spoolClassOf(line) })), clock(), c.spoolMaxPoints);
    for (const [k, n] of Object.entries(r.dropped)) metrics.timeseriesSpoolDropped.inc({ class: k }, n);
    logger.warn({ err: err.message, class: classifyWriteError(err), spooled: r.added, dropped: r.dropped, spool: spool.count() }, 'InfluxDB write failed; points spooled');
    drainer.schedule();
  };

  // Sends the batches `send` hands it, one request each (never flushed on its own: batchSize
  // above ours, no interval), so what is waiting stays in `pending`, where forgetHousehold sees it.
  const live: WriteApi = influx.getWriteApi(c.org, c.bucket, 'ms', {
    batchSize: c.batchSize + 1,
    flushInterval: 0,
    gzipThreshold: c.gzipThreshold,
    maxRetries: 0, // retries are the spool's job: durable, ordered, bounded
    writeFailed(err, lines) {
      try {
        toSpool(err, lines);
      } catch (e) {
        logger.error({ err: e, points: lines.length }, 'spooling failed; points lost');
      } finally {
        settled(lines.length);
      }
      return Promise.resolve(); // handled: the client must not keep them in memory
    },
    writeSuccess(lines) {
      metrics.timeseriesPointsWritten.inc(undefined, lines.length);
      settled(lines.length);
      if (spool.count() > 0 && !drainer.busy()) drainer.schedule(0); // the server is back
    },
  });
  const drainer = createSpoolDrain({
    spool,
    // One request per drain step: never auto-flushed in pieces, so success or failure covers the whole step.
    api: influx.getWriteApi(c.org, c.bucket, 'ms', {
      batchSize: c.drainBatch + 1,
      flushInterval: 0,
      maxBatchBytes: 1 << 30,
      gzipThreshold: c.gzipThreshold,
      maxRetries: 0,
      writeFailed: (err) => Promise.reject(err),
    }),
    batch: c.drainBatch,
    retryMs: c.retryMs,
    maxBackoffMs: c.maxBackoffMs,
    logger,
    onError: (err, lines) => failed(err, lines, 'drain'),
    onWritten: (n) => metrics.timeseriesPointsWritten.inc(undefined, n),
  });
  let closed = false;
  // Erased households' points InfluxDB already holds (src/timeseries/erase.ts): deleted after
  // what was handed to the client before the erasure has landed (or was spooled), with the
  // spool's retry timing.
  const eraser = createSeriesEraser({
    repo: store.tsErasures,
    url: c.url,
    org: c.org,
    bucket: c.bucket,
    token: () => c.token!.reveal(),
    timeoutMs: c.timeoutMs,
    retryMs: c.retryMs,
    maxBackoffMs: c.maxBackoffMs,
    clock,
    logger,
    metrics,
    ...(deps.timers && { timers: deps.timers }),
    beforeSend: async () => {
      if (!closed) await send();
      await idle(c.timeoutMs + 1000);
      await drainer.idle();
    },
  });

  // Lines not yet handed to the client; sent after flushIntervalMs, or at once when a batch is full.
  let pending: string[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  /** Hands the pending lines to the client as one request; resolves when written or spooled. */
  const send = (): Promise<void> => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (!pending.length) return Promise.resolve();
    const batch = pending;
    pending = [];
    live.writeRecords(batch);
    return live.flush().catch(() => {}); // a failure was handled by writeFailed (spooled)
  };
  const write = (p: Point) => {
    if (closed) return;
    const line = p.toLineProtocol(live); // the client's own serialisation (ms precision)
    if (!line) return;
    pending.push(line);
    inFlight++;
    if (pending.length >= c.batchSize) void send();
    else if (!flushTimer) (flushTimer = setTimeout(() => void send(), c.flushIntervalMs)).unref();
  };

  const writeUsage = (buckets: UsageBucket[]) => {
    for (const b of buckets) {
      const liters = spool.usageLiters(placements.metersOf(b.household), b.start, b.end);
      write(usagePoint(b.household, placements.gridOf(b.household), b.period, b.start, Math.round(liters * 1000) / 1000));
    }
  };

  const lastRejectedAt = new Map<string, number>();
  metrics.beforeRender(() => {
    const n = spool.count();
    const oldest = n ? spool.oldestSpooledAt() : undefined;
    metrics.timeseriesSpoolPoints.set({}, n);
    metrics.timeseriesSpoolOldestAge.set({}, oldest === undefined ? 0 : Math.max(0, (clock() - oldest) / 1000));
  });
  if (spool.count() > 0) drainer.schedule(0); // left from before a restart
  markRecentUsage();

  return {
    /** Accepted readings, after they were stored (usage is computed from the readings table). */
    readings(rs: readonly Reading[]): void {
      for (const r of rs) {
        const p = placements.of(r.meterId);
        write(readingPoint(r, p));
        writeUsage(usage.note(p.household, r.ts));
      }
    },
    /** Any step in an alert's life: lifecycle changes, and the notifier's `notified` / `notify-failed`. */
    alertEvent(e: AlertEventInput): void {
      write(alertEventPoint(e, placements.of(e.alert.meterId), clock()));
    },
    /** Readings refused by ingest or the detector (one point per call; times made unique per reason). */
    rejected(reason: string, n: number): void {
      const at = Math.max(clock(), (lastRejectedAt.get(reason) ?? -Infinity) + 1);
      lastRejectedAt.set(reason, at);
      write(rejectedPoint(reason, n, at));
    },
    /** Writes the usage buckets that are due by the clock. */
    tick(now = clock()): void {
      writeUsage(usage.due(now));
    },
    /** Sends what the client has buffered; failures end in the spool. */
    async flush(): Promise<void> {
      await send();
      await idle(c.timeoutMs + 1000);
    },
    /** Sends the spool now (tests, benchmarks); also runs by itself after failures and when the server is back. */
    drain: () => drainer.drain(),
    spooled: () => spool.count(),
    /**
     * Withdrawal and erasure (src/app.ts onWithdrawn, onErased): the household's open usage
     * buckets and cached tags are dropped, its points not yet sent are taken out of the buffer
     * (never sent: processing stops at the withdrawal), and those already on their way are not
     * spooled if their write fails. Its spooled points are deleted by the caller
     * (store.timeseries.removeTagged).
     */
    forgetHousehold(householdId: string, meterIds: readonly string[]): void {
      usage.forget(householdId);
      placements.forget(householdId, meterIds);
      const isTagged = taggedWith([householdId], meterIds);
      const before = pending.length;
      pending = pending.filter((l) => !isTagged(l));
      if (before > pending.length) settled(before - pending.length);
      if (inFlight <= 0) return;
      erased.households.push(householdId);
      erased.meters.push(...meterIds);
      isErased = taggedWith(erased.households, erased.meters);
    },
    /**
     * After an erasure recorded its ts_erasures row (src/app.ts onErased): the deletion of the
     * household's points in InfluxDB is sent soon, retried until InfluxDB confirms it.
     */
    erasureRecorded: (): void => eraser.schedule(),
    /** Sends the pending deletions now (tests); also runs by itself after an erasure, at start and on retries. */
    sendErasures: (): Promise<void> => eraser.send(),
    /** Resolves when no deletion round is running. */
    erasuresSettled: (): Promise<void> => eraser.settled(),
    /** Writes open usage buckets, flushes, finishes a running drain; anything unsent stays spooled. */
    async close(): Promise<void> {
      if (closed) return;
      writeUsage(usage.drainAll());
      // Bounded twice over: the request's deadline spools it after timeoutMs; this wait is the guard.
      await within(send(), c.timeoutMs + 1000);
      await idle(c.timeoutMs + 1000);
      closed = true;
      await eraser.close(); // a pending deletion stays in ts_erasures, sent at the next start
      await Promise.all([live.close().catch(() => {}), drainer.close()]);
    },
  };

  /**
   * Which usage buckets are still to be written is kept in memory (src/timeseries/usage.ts):
   * after a crash, the hour whose readings had all arrived was never written. So at start each
   * meter's buckets that may have been open at the crash are marked again from its stored
   * readings: those of its last hour of data plus the grace period and the client's buffer
   * (a bucket ends up written once data moves past it or by the clock), and the reading before
   * them (a bucket its latest data had just moved past). Bounded: two primary-key lookups and
   * about an hour of readings per meter. Rewriting a bucket already written is harmless
   * (InfluxDB keeps the last write); the value is computed from the readings table as always.
   */
  function markRecentUsage(): void {
    const reach = HOUR + c.usageGraceMinutes * 60_000 + c.flushIntervalMs + c.timeoutMs;
    for (const m of store.meters.list()) {
      if (!m.householdId || !store.meters.isProcessingAllowed(m.id)) continue; // withdrawn: nothing to write
      const last = store.readings.lastBefore(m.id, Number.MAX_SAFE_INTEGER);
      if (last === undefined) continue;
      const from = store.readings.lastBefore(m.id, last - reach) ?? last - reach;
      for (const r of store.readings.between(m.id, from, last + 1)) usage.mark(m.householdId, r.ts);
    }
  }

  /** Resolves when `p` settles, or after maxMs. */
  function within(p: Promise<void>, maxMs: number): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    return Promise.race([p, new Promise<void>((ok) => (t = setTimeout(ok, maxMs)))]).finally(() => clearTimeout(t));
  }

  /** Resolves once every point handed to the client is written or spooled (or after maxMs). */
  function idle(maxMs: number): Promise<void> {
    if (inFlight <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, maxMs);
      function done() {
        clearTimeout(t);
        idleWaiters = idleWaiters.filter((w) => w !== done);
        resolve();
      }
      idleWaiters.push(done);
    });
  }
}
