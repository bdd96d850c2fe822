// The composition root: wires store, broker, ingest, detector, alert lifecycle and HTTP in
// one straight line and tears them down in reverse. The HTTP server is built without
// listening so tests can `inject`; start() opens the ports.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { CONSENT_WITHDRAWN_BY, type Alert } from './domain/alert.ts';
import { startBroker, type Broker } from './broker/index.ts';
import { assertConformanceHost, readTlsFiles } from './broker/listeners.ts';
import { startThreadedBroker } from './broker/threaded.ts';
import { createIngest } from './ingest/index.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { openStore, type Store } from './store/index.ts';
import { buildServer } from './http/server.ts';
import { createAlertActions } from './http/alert-actions.ts';
import { createMonitor, type Monitor } from './service/monitor.ts';
import { daily, every, type Job } from './jobs/schedule.ts';
import { attachTimeseries, type TimeseriesWriter } from './timeseries/index.ts';
import type { Timers } from './timeseries/erase.ts';
import { assertSecureBinding, loadTls } from './http/auth/secure-start.ts';
import { sessionLimits } from './http/auth/config.ts';
import { createPrivacy } from './service/consent-lifecycle.ts';
import { runRetention } from './service/retention.ts';
import { createSnapshotSlicer } from './service/snapshot-slicer.ts';
import { createEventHub, hubListener } from './http/routes/events.ts';
import { meterStatus } from './detect/status.ts';
import { createChannels } from './notify/channels/config.ts';
import { createAcks, type Acks } from './notify/acks.ts';
import { loggingOutboxSink } from './notify/outbox-sink.ts';
import { createNotifyService, type NotifyService } from './notify/service.ts';
import { offsetMinutes } from './notify/tz.ts';
import type { ChannelKind, Notifier, OutgoingMessage } from './notify/types.ts';

/** Payloads larger than this (a batch of a few hundred readings) are ingested in a later turn of their own. */
const DEFER_PAYLOAD_BYTES = 16 * 1024;

export interface AppOptions {
  clock?: () => number;
  logger?: Logger;
  /** Tests drive time themselves: no cron jobs. */
  jobs?: boolean;
  /** Timers of the time-series writer's erasure retries (tests drive them; src/timeseries/erase.ts). */
  timeseriesTimers?: Timers;
  /** Replace channels (a recording Notifier in tests); the rest come from config.notify.channels. */
  notifiers?: Map<ChannelKind, Notifier>;
  /** Also told of every message the outbox channel stores (the drill prints them). */
  onOutboxMessage?: (msg: OutgoingMessage) => void;
}

export interface App {
  config: Config;
  store: Store;
  metrics: Metrics;
  monitor: Monitor;
  /** History to InfluxDB; undefined unless `timeseries.url` is configured. */
  timeseries?: TimeseriesWriter;
  /** Absent when config.notify.enabled is false. */
  notify: NotifyService | undefined;
  acks: Acks;
  http: FastifyInstance;
  /** Opens the MQTT and HTTP ports; returns the real ones (0 in config = ephemeral). */
  start(): Promise<{ mqttPort: number; httpPort: number }>;
  broker(): Broker | undefined;
  /** The daily retention run (also erases households past their withdrawal grace period); returns rows removed per table. */
  runRetention(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export function createApp(config: Config, opts: AppOptions = {}): App {
  const clock = opts.clock ?? Date.now;
  const logger = opts.logger ?? pino({ level: config.log.level });
  const teardown: (() => Promise<void> | void)[] = [];

  assertConformanceHost(config.mqtt.conformance); // refused off loopback, before anything opens
  if (config.dbPath !== ':memory:') mkdirSync(dirname(config.dbPath), { recursive: true });
  const metrics = createMetrics();
  // Storage (issue 11.8, 12.1): group commit, bounded dead letters, faults loud in the log,
  // /metrics and /health; a write that can never succeed is a bug, logged.
  let checkpointFailing = false;
  const store = openStore(config.dbPath, {
    commitMs: config.limits.store.commitMs,
    commitRows: config.limits.store.commitRows,
    deadLetters: { perMeter: config.limits.store.deadLettersPerMeter, totalRows: config.limits.store.deadLettersTotal, totalBytes: config.limits.store.deadLetterBytesTotal },
    tokenCacheEntries: config.limits.auth.cacheEntries,
    onPermanentWriteError: (err) => logger.error({ err }, 'a queued write failed and was skipped'),
    now: clock,
    checkpointMs: config.limits.store.checkpointMs,
    onCheckpoint: (r) => {
      if (r.log >= 0) metrics.sqliteWalPages.set({}, r.log - r.checkpointed);
      metrics.sqliteCheckpointSeconds.set({}, r.ms / 1000);
      metrics.sqliteCheckpoints.inc({ result: r.error ? 'error' : r.busy ? 'busy' : 'done' });
      // Logged when it starts and stops failing, not once a second.
      if (Boolean(r.error) !== checkpointFailing) {
        checkpointFailing = Boolean(r.error);
        if (r.error) logger.warn({ error: r.error }, 'WAL checkpoint failing; each round tries again');
        else logger.info('WAL checkpoint working again');
      }
    },
    onCheckpointFailure: (err) => logger.error({ err }, 'the WAL checkpoint worker failed; SQLite checkpoints on commit again'),
  });
  store.faults.on((e) => {
    metrics.storeHealthy.set({}, e.kind === 'failing' ? 0 : 1);
    metrics.storePendingRows.set({}, store.writes.pendingRows);
    if (e.kind === 'recovered') return logger.warn({ code: e.fault.code, attempts: e.fault.attempts, failedForMs: clock() - e.fault.since }, 'storage recovered');
    metrics.storeWriteFailures.inc({ code: e.fault.code });
    // Once per fault: not again when the other writer meets the same full or read-only disk.
    if (e.fault.attempts === 1 && store.faults.openCount === 1) logger.error({ err: e.err, code: e.fault.code }, `storage failing: ${e.fault.reason}; writes are held and retried`);
  });
  teardown.push(() => store.close());
  metrics.beforeRender(() => {
    const p = broker?.pipeline();
    // The monitor's own count is exact here; the broker's may lag it by 50 ms in a worker thread (threaded.ts).
    metrics.pipelineQueuedReadings.set({}, Math.max(p?.readings ?? 0, monitor.queuedReadings));
    metrics.pipelineQueuedBytes.set({}, p?.bytes ?? 0);
    metrics.mqttSocketsPaused.set({}, p?.pausedSockets ?? 0);
    // Read when scraped, not set on every publish (issue 12: the hot path).
    metrics.metersConnected.set({}, broker?.connectedCount() ?? 0);
    // Also here: the fault events fire before a recovered batch has left the queue.
    metrics.storePendingRows.set({}, store.writes.pendingRows);
    metrics.storeHealthy.set({}, store.faults.current ? 0 : 1);
  });
  const monitor = createMonitor({ store, metrics, detector: config.detector, clock, logger, sliceMs: config.limits.sliceMs });
  const saveDetectorState = (why: string) => {
    try {
      // Every few minutes is routine (debug); the save at stop is worth a line in the log.
      logger[why === 'stop' ? 'info' : 'debug']({ ...monitor.saveState(clock()), why }, 'detector state saved');
    } catch (err) {
      logger.error({ err, why }, 'saving the detector state failed');
    }
  };
  // The periodic save, a few ms per turn (snapshot-slicer.ts); the save at stop is one transaction.
  const snapshots = createSnapshotSlicer({ detector: monitor.detector, write: (rows) => store.detectorSnapshots.saveAll(rows), clock, budgetMs: config.limits.sliceMs });
  const saveDetectorStateSliced = () =>
    snapshots.save().then(
      (r) => logger.debug({ ...r, why: 'periodic' }, 'detector state saved'),
      (err: unknown) => logger.error({ err, why: 'periodic' }, 'saving the detector state failed'),
    );
  // Teardown is LIFO: this runs after the jobs, the broker and HTTP have stopped (no reading
  // can change the state after it) and before the store closes.
  teardown.push(() => saveDetectorState('stop'));
  // History in InfluxDB (src/timeseries), only when configured; closes before the store (its spool lives there).
  const timeseries = config.timeseries.url ? attachTimeseries({ config, store, metrics, monitor, clock, logger, ...(opts.timeseriesTimers && { timers: opts.timeseriesTimers }) }) : undefined;
  if (timeseries) teardown.push(() => timeseries.close());
  // Before the snapshot: what the broker accepted last is stored (or reported as not).
  teardown.push(() => monitor.flush());
  // A rotation or revocation closes every session opened with the old token, whichever
  // path made it (API, consent withdrawal): the store's own write methods announce it.
  store.meters.onChange((meterId, change) => {
    if (change !== 'provisioned') broker?.disconnectMeter(meterId);
  });

  const ingest = createIngest({
    logger,
    deadLetters: {
      // Through the group commit, like readings: bounded per meter and in total (dead-letters.ts).
      add: (d) => {
        store.writes.add(() => {
          store.deadLetters.add(d);
          metrics.deadLettersDropped.set({}, store.deadLetters.droppedCount());
        });
        metrics.deadLetters.inc();
      },
    },
    isProcessingAllowed: (meterId) => store.meters.isProcessingAllowed(meterId),
    onReadings: (readings, topic) => monitor.onReadings(readings, topic),
    onStatus: (s) => monitor.onStatus(s),
    counters: {
      accepted: () => {}, // the monitor counts what the detector accepted
      rejected: (reason, n) => metrics.readingsRejected.inc({ reason }, n),
      duplicate: (n) => metrics.readingsDuplicate.inc(undefined, n),
    },
  });

  for (const h of store.households.list({ limit: 100_000, offset: 0 }).items) if (h.awayUntil) monitor.syncAway(h.id);

  // Dashboard: every alert change (detector or operator) goes out on the live event stream.
  const hub = createEventHub({ store, clock });
  monitor.onAlert(hubListener(hub));
  const dashboard = {
    hub,
    meterStatus: (id: string, now: number) => meterStatus(monitor.detector, id, now),
    statusBattery: (id: string) => monitor.statusBattery(id),
    onAlertUpdated: (a: Alert) => monitor.recordOperatorChange(a),
  };
  // ── notify (issue 7): escalation ladder, durable outbox, acknowledgement links, SMS replies ──
  let notify: NotifyService | undefined;
  // Every change made outside the detector (API, dashboard, link, SMS reply) reaches the
  // detector's book, the history writer, the live board and the ladder.
  const onOperatorChange = (a: Alert) => {
    monitor.recordOperatorChange(a);
    // Not the withdrawal's own resolve: processing of the household stops there (PIPL Art. 15),
    // so none of its points may reach InfluxDB after it.
    if (a.resolvedBy !== CONSENT_WITHDRAWN_BY) timeseries?.operatorChange(a);
    hub.publish(a.status === 'resolved' ? 'resolved' : 'acknowledged', a);
    notify?.onAlertChanged(a);
  };
  const acks = createAcks({ store, clock, policy: config.notify.policy, onChange: onOperatorChange });
  if (config.notify.enabled) {
    const sink = loggingOutboxSink(logger, opts.onOutboxMessage);
    const notifiers = new Map([...createChannels(config.notify.channels, { outboxSink: sink, now: clock }), ...(opts.notifiers ?? [])]);
    const providers = [...new Set([...notifiers.values()].filter((n) => n.provider !== 'outbox').map((n) => n.provider))];
    if (providers.length) logger.info({ providers }, 'notify: providers configured');
    else logger.info('notify: no provider configured, so messages are stored and logged (outbox channel), not sent; see README "Notifications"');
    const service = createNotifyService({
      store,
      config: config.notify,
      notifiers,
      clock,
      logger,
      metrics,
      // Deliveries show on the live board at once and go to the history (notified / notify-failed).
      onDelivery: (e) => {
        const alert = store.alerts.get(e.alertId);
        if (!alert) return;
        hub.publish(e.outcome === 'sent' ? 'notified' : 'notify-failed', alert);
        timeseries?.alertEvent({ kind: e.outcome === 'sent' ? 'notified' : 'notify-failed', alert, at: e.at, tags: { channel: e.channel } });
      },
    });
    notify = service;
    monitor.onAlert((change) => service.onAlert(change));
    teardown.push(() => service.stop());
  }
  // ── end notify ──

  let broker: Broker | undefined;
  /** The broker's worker thread died (threaded.ts): meters are not served any more. */
  let brokerFailed = false;
  const alertActions = createAlertActions(store, clock, onOperatorChange);
  // PIPL lifecycle (src/service/consent-lifecycle.ts): a withdrawal revokes and disconnects the
  // meters, makes the detector forget them, resolves open alerts like an operator would, and
  // erases the data now or, after security.erasureGraceDays, in the daily job. HTTPS when http.tls.
  // A revoked meter is not watched (no "offline" for a meter the operator switched off), as after
  // a restart, where it is not restored; its learned routine stays stored and comes back if a
  // new token makes it active again.
  const disconnectIfRevoked = (meterId: string) => {
    const status = store.meters.get(meterId)?.status;
    if (status === 'revoked') {
      broker?.disconnectMeter(meterId);
      monitor.suspendMeter(meterId);
    } else if (status === 'active') monitor.resumeMeter(meterId);
  };
  const privacy = createPrivacy({
    store,
    clock,
    graceDays: config.security.erasureGraceDays,
    resolveAlert: (id, by, note) => alertActions.resolve(id, by, note),
    onMeterChanged: disconnectIfRevoked,
    forgetMeter: (meterId) => monitor.forgetMeter(meterId),
    // What memory still holds of the household: the live stream's replay ring (its alerts and
    // name) and the history writer's pending points. At withdrawal too (processing stops at once,
    // PIPL Art. 15, though erasure may wait out a grace period): its points waiting for InfluxDB
    // are dropped, not sent afterwards. On erasure the spool rows go in the erasure's transaction,
    // and so does the request to delete its points InfluxDB already holds (ts_erasures), which
    // the writer then sends and retries (src/timeseries/erase.ts).
    onWithdrawn: (householdId, meterIds) => {
      hub.purge(householdId, meterIds);
      timeseries?.forgetHousehold(householdId, meterIds);
      store.timeseries.removeTagged(householdId, meterIds);
    },
    onErased: (householdId, meterIds) => {
      hub.purge(householdId, meterIds);
      timeseries?.forgetHousehold(householdId, meterIds);
      timeseries?.erasureRecorded();
    },
    timeseries: timeseries !== undefined,
  });
  const https = config.http.tls ? loadTls(config.http.tls) : undefined;
  const http = buildServer({
    store,
    metrics,
    clock,
    logger,
    apiToken: config.http.apiToken?.reveal(),
    alerts: { ...alertActions, acknowledge: (id, by, note, via) => acks.acknowledge(id, by, via ?? 'api', note) },
    security: config.security,
    privacy,
    ...(https && { https }),
    trustProxy: config.http.trustProxy,
    dashboard,
    health: () => {
      const fault = store.faults.current;
      return {
        ok: store.ping() && broker !== undefined && !brokerFailed && fault === undefined,
        broker: broker && !brokerFailed ? 'up' : 'down',
        metersConnected: broker?.connectedCount() ?? 0,
        // A storage fault is red with its reason; acknowledgements wait until it clears.
        storage: fault ? { state: 'failing', code: fault.code, reason: fault.reason, since: new Date(fault.since).toISOString(), attempts: fault.attempts } : 'ok',
        pendingWrites: store.writes.pendingRows,
        alertsUnstored: metrics.alertsUnstored.get(),
      };
    },
    onAwayChanged: (id) => monitor.syncAway(id),
    onMeterChanged: disconnectIfRevoked,
    ...(notify && {
      notify: {
        store,
        clock,
        links: notify.links,
        linkTtlMs: config.notify.linkTtlHours * 3_600_000,
        acks,
        offsetMin: () => offsetMinutes(config.notify.timeZone, clock()),
        replyKeywords: config.notify.replyKeywords,
        ...(config.notify.smsReplyToken && { replyToken: config.notify.smsReplyToken }),
      },
    }),
  });
  teardown.push(() => http.close());
  const retention = () => runRetention({ store, retention: config.retention, sessions: sessionLimits(config.security), privacy, logger, sliceMs: config.limits.sliceMs }, clock());

  return {
    config,
    store,
    metrics,
    monitor,
    timeseries,
    notify,
    acks,
    http,
    broker: () => broker,
    runRetention: retention,
    async start() {
      // Refuses before any port opens: no personal data to the network without authentication.
      assertSecureBinding(config.http, store);
      broker = await (config.mqtt.thread === 'worker' ? startThreadedBroker : startBroker)({
        port: config.mqtt.port,
        host: config.mqtt.host,
        backlog: config.mqtt.backlog,
        auth: { verify: (id, pw) => store.meters.verifyAsync(id, pw), verifyCached: (id, pw) => store.meters.verifyCached(id, pw) },
        onPublish: (meterId, topic, payload, receivedAt) => {
          // A large payload (a batch) is parsed in a turn of its own; a meter's messages stay in order.
          // Deferred, it is also validated and deduplicated a few hundred readings per task (issue 11.3).
          if (payload.length > DEFER_PAYLOAD_BYTES || monitor.isBusy(meterId)) monitor.enqueue(meterId, (defer) => ingest.handleSliced(meterId, topic, payload, receivedAt, defer));
          else ingest.handle(meterId, topic, payload, receivedAt);
          // The PUBACK waits for this: processed, committed, alerts stored.
          return monitor.settled(meterId);
        },
        clock,
        logger,
        logLevel: logger.level, // the worker's own pino logs at the level of the one given to createApp
        // mqtt.thread = "worker": a service whose broker thread died must not look healthy; stop it (main.ts), so its supervisor restarts it.
        // Down from this moment (/health 503), and the exit is a failure (code 1), not a clean stop.
        onFailure: () => {
          brokerFailed = true;
          process.exitCode = 1;
          process.kill(process.pid, 'SIGTERM');
        },
        limits: config.limits.mqtt,
        authLimits: config.limits.auth,
        tls: config.mqtt.tls && { port: config.mqtt.tls.port, host: config.mqtt.tls.host, ...readTlsFiles(config.mqtt.tls) },
        conformance: config.mqtt.conformance.enabled ? config.mqtt.conformance : undefined,
        // Issue 12.3: over the high-water mark the busiest sockets are paused, not queued without bound.
        backpressure: { limits: config.limits.backpressure, queuedReadings: () => monitor.queuedReadings, events: { paused: (reason) => metrics.mqttSocketPauses.inc({ reason }) } },
        counters: {
          socketRefused: (reason) => metrics.mqttSocketsRefused.inc({ reason }),
          packetTooLarge: (phase) => metrics.mqttPacketsTooLarge.inc({ phase }),
          connectRefused: (reason) => metrics.mqttConnectRefused.inc({ reason }),
          publishLimited: (action) => metrics.mqttPublishLimited.inc({ action }),
        },
      });
      teardown.push(() => broker?.close());
      await http.listen({ port: config.http.port, host: config.http.host });
      const addr = http.server.address();
      const httpPort = typeof addr === 'object' && addr ? addr.port : config.http.port;
      if (opts.jobs !== false) {
        const jobs: Job[] = [
          every(config.tickSeconds, 'detector-tick', () => monitor.tick(clock())),
          every(config.notify.tickSeconds, 'notify-tick', () => notify?.tick()),
          every(15, 'store-pending-rows', () => metrics.storePendingRows.set({}, store.writes.pendingRows)),
          every(config.snapshotMinutes * 60, 'detector-snapshot', () => void saveDetectorStateSliced()),
          ...(timeseries ? [every(60, 'timeseries-usage', () => timeseries.tick(clock()))] : []),
          daily('retention', () => void retention().catch((err) => logger.error({ err }, 'retention job failed'))),
        ];
        teardown.push(() => {
          jobs.forEach((j) => j.stop());
          snapshots.stop(); // a periodic save in progress ends; the save at stop writes everything
        });
      }
      logger.info({ mqttPort: broker.port, httpPort }, 'anxin started');
      return { mqttPort: broker.port, httpPort };
    },
    async stop() {
      while (teardown.length) {
        const step = teardown.pop()!;
        try {
          await step();
        } catch (err) {
          logger.error({ err }, 'teardown step failed');
        }
      }
    },
  };
}
