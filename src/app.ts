// The composition root: wires store, broker, ingest, detector, alert lifecycle and HTTP in
// one straight line and tears them down in reverse. The HTTP server is built without
// listening so tests can `inject`; start() opens the ports.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Alert } from './domain/alert.ts';
import { startBroker, type Broker } from './broker/index.ts';
import { createIngest } from './ingest/index.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { openStore, type Store } from './store/index.ts';
import { buildServer } from './http/server.ts';
import { createAlertActions } from './http/alert-actions.ts';
import { createMonitor, type Monitor } from './service/monitor.ts';
import { daily, every, type Job } from './jobs/schedule.ts';
import { createChannels } from './notify/channels/config.ts';
import { createAcks, type Acks } from './notify/acks.ts';
import { loggingOutboxSink } from './notify/outbox-sink.ts';
import { createNotifyService, type NotifyService } from './notify/service.ts';
import { offsetMinutes } from './notify/tz.ts';
import type { ChannelKind, Notifier, OutgoingMessage } from './notify/types.ts';

export interface AppOptions {
  clock?: () => number;
  logger?: Logger;
  /** Tests drive time themselves: no cron jobs. */
  jobs?: boolean;
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
  /** Absent when config.notify.enabled is false. */
  notify: NotifyService | undefined;
  acks: Acks;
  http: FastifyInstance;
  /** Opens the MQTT and HTTP ports; returns the real ones (0 in config = ephemeral). */
  start(): Promise<{ mqttPort: number; httpPort: number }>;
  broker(): Broker | undefined;
  stop(): Promise<void>;
}

export function createApp(config: Config, opts: AppOptions = {}): App {
  const clock = opts.clock ?? Date.now;
  const logger = opts.logger ?? pino({ level: config.log.level });
  const teardown: (() => Promise<void> | void)[] = [];

  if (config.dbPath !== ':memory:') mkdirSync(dirname(config.dbPath), { recursive: true });
  const store = openStore(config.dbPath);
  teardown.push(() => store.close());
  const metrics = createMetrics();
  const monitor = createMonitor({ store, metrics, detector: config.detector, clock, logger });
  const saveDetectorState = (why: string) => {
    try {
      // Every few minutes is routine (debug); the save at stop is worth a line in the log.
      logger[why === 'stop' ? 'info' : 'debug']({ ...monitor.saveState(clock()), why }, 'detector state saved');
    } catch (err) {
      logger.error({ err, why }, 'saving the detector state failed');
    }
  };
  // Teardown is LIFO: this runs after the jobs, the broker and HTTP have stopped (no reading
  // can change the state after it) and before the store closes.
  teardown.push(() => saveDetectorState('stop'));

  const ingest = createIngest({
    logger,
    deadLetters: {
      add: (d) => {
        store.deadLetters.add(d);
        metrics.deadLetters.inc();
      },
    },
    isProcessingAllowed: (meterId) => store.meters.isProcessingAllowed(meterId),
    onReadings: (readings) => monitor.onReadings(readings),
    onStatus: (s) => monitor.onStatus(s),
    counters: {
      accepted: () => {}, // the monitor counts what the detector accepted
      rejected: (reason, n) => metrics.readingsRejected.inc({ reason }, n),
      duplicate: (n) => metrics.readingsDuplicate.inc(undefined, n),
    },
  });

  for (const h of store.households.list({ limit: 100_000, offset: 0 }).items) if (h.awayUntil) monitor.syncAway(h.id);

  // ── notify (issue 7): escalation ladder, durable outbox, acknowledgement links, SMS replies ──
  let notify: NotifyService | undefined;
  const onOperatorChange = (a: Alert) => {
    monitor.recordOperatorChange(a);
    notify?.onAlertChanged(a);
  };
  const acks = createAcks({ store, clock, policy: config.notify.policy, onChange: onOperatorChange });
  if (config.notify.enabled) {
    const sink = loggingOutboxSink(logger, opts.onOutboxMessage);
    const notifiers = new Map([...createChannels(config.notify.channels, { outboxSink: sink, now: clock }), ...(opts.notifiers ?? [])]);
    const providers = [...new Set([...notifiers.values()].filter((n) => n.provider !== 'outbox').map((n) => n.provider))];
    if (providers.length) logger.info({ providers }, 'notify: providers configured');
    else logger.info('notify: no provider configured, so messages are stored and logged (outbox channel), not sent; see README "Notifications"');
    const service = createNotifyService({ store, config: config.notify, notifiers, clock, logger, metrics });
    notify = service;
    monitor.onAlert((change) => service.onAlert(change));
    teardown.push(() => service.stop());
  }
  // ── end notify ──

  let broker: Broker | undefined;
  const http = buildServer({
    store,
    metrics,
    clock,
    logger,
    apiToken: config.http.apiToken?.reveal(),
    alerts: { ...createAlertActions(store, clock, onOperatorChange), acknowledge: (id, by, note, via) => acks.acknowledge(id, by, via ?? 'api', note) },
    health: () => ({ ok: store.ping() && broker !== undefined, broker: broker ? 'up' : 'down', metersConnected: broker?.connectedCount() ?? 0 }),
    onAwayChanged: (id) => monitor.syncAway(id),
    onMeterChanged: (meterId) => {
      if (store.meters.get(meterId)?.status === 'revoked') broker?.disconnectMeter(meterId);
    },
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

  return {
    config,
    store,
    metrics,
    monitor,
    notify,
    acks,
    http,
    broker: () => broker,
    async start() {
      broker = await startBroker({
        port: config.mqtt.port,
        host: config.mqtt.host,
        auth: { verify: (id, pw) => store.meters.verify(id, pw) },
        onPublish: (meterId, topic, payload, receivedAt) => {
          ingest.handle(meterId, topic, payload, receivedAt);
          metrics.metersConnected.set({}, broker?.connectedCount() ?? 0);
        },
        clock,
        logger,
      });
      teardown.push(() => broker?.close());
      await http.listen({ port: config.http.port, host: config.http.host });
      const addr = http.server.address();
      const httpPort = typeof addr === 'object' && addr ? addr.port : config.http.port;
      if (opts.jobs !== false) {
        const jobs: Job[] = [
          every(config.tickSeconds, 'detector-tick', () => monitor.tick(clock())),
          every(config.notify.tickSeconds, 'notify-tick', () => notify?.tick()),
          every(15, 'meters-connected', () => metrics.metersConnected.set({}, broker?.connectedCount() ?? 0)),
          every(config.snapshotMinutes * 60, 'detector-snapshot', () => saveDetectorState('periodic')),
          daily('retention', () => {
            store.readings.prune(clock() - config.retention.readingsDays * 86_400_000);
            store.deadLetters.prune(clock() - config.retention.deadLetterDays * 86_400_000);
          }),
        ];
        teardown.push(() => jobs.forEach((j) => j.stop()));
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
