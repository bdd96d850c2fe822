// Wires the time-series writer to the running service: accepted readings (after they are
// stored), every alert change the monitor persists, operators' ack/resolve, and every
// rejected reading. Called by createApp only when `timeseries.url` is configured.
import type { Logger } from 'pino';
import type { Alert } from '../domain/alert.ts';
import type { Config } from '../config.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Monitor } from '../service/monitor.ts';
import type { Store } from '../store/index.ts';
import { createTimeseriesWriter, type TimeseriesWriter } from './writer.ts';
import type { Timers } from './erase.ts';

export type { TimeseriesWriter } from './writer.ts';
export type { AlertEventInput } from './points.ts';

export function attachTimeseries(deps: { config: Config; store: Store; metrics: Metrics; monitor: Monitor; clock: () => number; logger: Logger; timers?: Timers }): TimeseriesWriter & {
  /** An operator acknowledged or resolved an alert (the monitor does not hear those). */
  operatorChange(alert: Alert): void;
} {
  const writer = createTimeseriesWriter({
    config: deps.config.timeseries,
    store: deps.store,
    metrics: deps.metrics,
    clock: deps.clock,
    logger: deps.logger.child({ module: 'timeseries' }),
    utcOffsetMinutes: deps.config.detector.utcOffsetMinutes,
    ...(deps.timers && { timers: deps.timers }),
  });
  deps.monitor.onReadingsStored((rs) => writer.readings(rs));
  deps.monitor.onAlert((change) => writer.alertEvent(change.kind === 'escalated' ? { kind: change.kind, alert: change.alert, at: change.at } : change));
  deps.metrics.readingsRejected.onInc((labels, n) => writer.rejected(labels?.reason ?? 'unknown', n));
  deps.logger.info({ url: deps.config.timeseries.url, bucket: deps.config.timeseries.bucket, spooled: writer.spooled(), erasuresPending: deps.store.tsErasures.count() }, 'history to InfluxDB on');
  return {
    ...writer,
    operatorChange: (alert) => writer.alertEvent({ kind: alert.status === 'resolved' ? 'resolved' : 'acknowledged', alert }),
  };
}
