// The service's metrics, declared in one table so the names are greppable and typed.
import { ALERT_TYPES, type AlertType } from '../domain/alert.ts';
import { createRegistry, type Counter, type Gauge, type Registry } from './registry.ts';
import { renderRuntime } from './runtime.ts';

export { createRegistry, type Counter, type Gauge, type Registry } from './registry.ts';

export interface Metrics {
  registry: Registry;
  readingsAccepted: Counter;
  /** `reason` is a short code from ingest (e.g. 'invalid-payload', 'no-consent'); keep the set small. */
  readingsRejected: Counter<'reason'>;
  readingsDuplicate: Counter;
  alertsOpened: Counter<'type'>;
  alertsActive: Gauge<'type'>;
  metersConnected: Gauge;
  deadLetters: Counter;
  /** Time-series writer (src/timeseries): points waiting in the local spool, and how old the oldest is. */
  timeseriesSpoolPoints: Gauge;
  timeseriesSpoolOldestAge: Gauge;
  /** `class`: network, timeout, auth, rejected, throttled, server, other (src/timeseries/errors.ts). */
  timeseriesWriteErrors: Counter<'class'>;
  timeseriesPointsWritten: Counter;
  /** Points dropped because the spool was full (`class`: reading, derived; never alert). */
  timeseriesSpoolDropped: Counter<'class'>;
  /** Deletions of erased households' points sent to InfluxDB (src/timeseries/erase.ts), by outcome:
   *  deleted (204), retry (network, timeout, 429, 5xx), rejected (another 4xx: kept, not retried in a loop). */
  timeseriesErasures: Counter<'outcome'>;
  /** Deletions recorded and not yet confirmed by InfluxDB (ts_erasures rows, rejected ones included). */
  timeseriesErasuresPending: Gauge;
  /** Run `fn` before each render (gauges that are computed at scrape time). */
  beforeRender(fn: () => void): void;
  /** Dashboard/API sign-ins: result ok | bad-credentials | rate-limited (src/http/auth/session-routes.ts). */
  signIns: Counter<'result'>;
  /** The service's metrics only (synchronous). */
  /** Notifications delivered / failed for good / attempts that will be retried, by channel and provider. */
  notificationsSent: Counter<'channel' | 'provider'>;
  notificationsFailed: Counter<'channel' | 'provider'>;
  notificationRetries: Counter<'channel' | 'provider'>;
  // Broker limits and storage faults (issue 11.1, 11.2, 11.8).
  mqttSocketsRefused: Counter<'reason'>;
  mqttPacketsTooLarge: Counter<'phase'>;
  mqttConnectRefused: Counter<'reason'>;
  mqttPublishLimited: Counter<'action'>;
  deadLettersDropped: Gauge;
  storeWriteFailures: Counter<'code'>;
  storeHealthy: Gauge;
  storePendingRows: Gauge;
  /** WAL checkpoints by the worker (src/store/checkpointer.ts). */
  sqliteWalPages: Gauge;
  sqliteCheckpointSeconds: Gauge;
  sqliteCheckpoints: Counter<'result'>;
  alertsUnstored: Gauge;
  // Admission control (issue 12.3, src/broker/backpressure.ts); gauges set at scrape time.
  pipelineQueuedReadings: Gauge;
  pipelineQueuedBytes: Gauge;
  mqttSocketsPaused: Gauge;
  /** `reason`: over-share (a busy socket over the high-water mark) or ceiling (twice it: any socket). */
  mqttSocketPauses: Counter<'reason'>;
  render(): string;
  /** What /metrics serves: the service's metrics, then process and Node runtime metrics. */
  exposition(): Promise<string>;
}

export function createMetrics(registry: Registry = createRegistry()): Metrics {
  const hooks: (() => void)[] = [];
  const m: Metrics = {
    registry,
    readingsAccepted: registry.counter('anxin_readings_accepted_total', 'Readings accepted by the detector.'),
    readingsRejected: registry.counter('anxin_readings_rejected_total', 'Readings rejected, by reason.', ['reason']),
    readingsDuplicate: registry.counter('anxin_readings_duplicate_total', 'Readings ignored as duplicates.'),
    alertsOpened: registry.counter('anxin_alerts_opened_total', 'Alerts opened, by type.', ['type']),
    alertsActive: registry.gauge('anxin_alerts_active', 'Alerts open or acknowledged, by type.', ['type']),
    metersConnected: registry.gauge('anxin_meters_connected', 'Meters connected to the broker now.'),
    deadLetters: registry.counter('anxin_dead_letters_total', 'Messages stored as dead letters.'),
    signIns: registry.counter('anxin_sign_ins_total', 'Sign-in attempts (POST /api/session), by result.', ['result']),
    timeseriesSpoolPoints: registry.gauge('anxin_timeseries_spool_points', 'Points waiting in the local spool for InfluxDB.'),
    timeseriesSpoolOldestAge: registry.gauge('anxin_timeseries_spool_oldest_age_seconds', 'Age of the oldest spooled point (0 when empty).'),
    timeseriesWriteErrors: registry.counter('anxin_timeseries_write_errors_total', 'Failed InfluxDB writes, by error class.', ['class']),
    timeseriesPointsWritten: registry.counter('anxin_timeseries_points_written_total', 'Points InfluxDB accepted (live and drained).'),
    timeseriesSpoolDropped: registry.counter('anxin_timeseries_spool_dropped_total', 'Points dropped because the spool was full, by class.', ['class']),
    timeseriesErasures: registry.counter('anxin_timeseries_erasures_total', 'Deletions of erased households\' points sent to InfluxDB, by outcome.', ['outcome']),
    timeseriesErasuresPending: registry.gauge('anxin_timeseries_erasures_pending', 'Erased households whose points InfluxDB has not confirmed deleted.'),
    beforeRender: (fn) => void hooks.push(fn),
    render: () => {
      for (const h of hooks) h();
      return registry.render();
    },
    exposition: async () => m.render() + (await renderRuntime()),
    notificationsSent: registry.counter('anxin_notifications_sent_total', 'Notifications delivered to a provider (or the outbox), by channel.', ['channel', 'provider']),
    notificationsFailed: registry.counter('anxin_notifications_failed_total', 'Notification attempts that failed for good on a channel, by channel.', ['channel', 'provider']),
    notificationRetries: registry.counter('anxin_notification_retries_total', 'Notification attempts that failed and will be retried, by channel.', ['channel', 'provider']),
    mqttSocketsRefused: registry.counter('anxin_mqtt_sockets_refused_total', 'Sockets closed on accept: unauthenticated-cap or address-cap.', ['reason']),
    mqttPacketsTooLarge: registry.counter('anxin_mqtt_packets_too_large_total', 'Connections cut for a packet over the size limit, by phase (connect, session).', ['phase']),
    mqttConnectRefused: registry.counter('anxin_mqtt_connect_refused_total', 'CONNECTs refused, by reason (bad-password, unknown, locked-out…).', ['reason']),
    mqttPublishLimited: registry.counter('anxin_mqtt_publish_limited_total', 'Publishes over a meter\'s budget: delayed or disconnected.', ['action']),
    deadLettersDropped: registry.gauge('anxin_dead_letters_dropped', 'Oldest dead letters dropped to stay within the bounds, since start.'),
    storeWriteFailures: registry.counter('anxin_store_write_failures_total', 'Failed write attempts, by SQLite code (retried until they succeed).', ['code']),
    storeHealthy: registry.gauge('anxin_store_healthy', '1 while writes succeed, 0 during a storage fault (disk full, locked, read-only).'),
    storePendingRows: registry.gauge('anxin_store_pending_rows', 'Rows waiting for their group commit (held during a storage fault).'),
    sqliteWalPages: registry.gauge('anxin_sqlite_wal_pages', 'WAL pages not yet copied into the database file after the last checkpoint.'),
    sqliteCheckpointSeconds: registry.gauge('anxin_sqlite_checkpoint_seconds', 'How long the last WAL checkpoint took (in its worker thread, off the event loop).'),
    sqliteCheckpoints: registry.counter('anxin_sqlite_checkpoints_total', 'WAL checkpoints run by the worker, by result (done; busy: a lock was in the way; error: the disk failed). The next round goes on.', ['result']),
    alertsUnstored: registry.gauge('anxin_alerts_unstored', 'Alert changes waiting to be stored (retried; nobody is told before).'),
    pipelineQueuedReadings: registry.gauge('anxin_pipeline_queued_readings', 'Readings received and not yet processed and committed.'),
    pipelineQueuedBytes: registry.gauge('anxin_pipeline_queued_bytes', 'MQTT payload bytes accepted and not yet settled (processed, committed, acknowledged).'),
    mqttSocketsPaused: registry.gauge('anxin_mqtt_sockets_paused', 'Meter sockets not being read now because the pipeline is over its high-water mark.'),
    mqttSocketPauses: registry.counter('anxin_mqtt_socket_pauses_total', 'Times a meter socket was paused by admission control, by reason (over-share, ceiling). Nothing is shed.', ['reason']),
  };
  for (const reason of ['over-share', 'ceiling']) m.mqttSocketPauses.inc({ reason }, 0);
  m.storeHealthy.set({}, 1);
  for (const result of ['ok', 'bad-credentials', 'rate-limited']) m.signIns.inc({ result }, 0);
  // Every alert type shows 0 from the start, so a dashboard can tell "none" from "no data".
  for (const type of ALERT_TYPES satisfies readonly AlertType[]) {
    m.alertsOpened.inc({ type }, 0);
    m.alertsActive.set({ type }, 0);
  }
  return m;
}
