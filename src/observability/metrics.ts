// The service's metrics, declared in one table so the names are greppable and typed.
import { ALERT_TYPES, type AlertType } from '../domain/alert.ts';
import { createRegistry, type Counter, type Gauge, type Registry } from './registry.ts';

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
  /** Notifications delivered / failed for good / attempts that will be retried, by channel and provider. */
  notificationsSent: Counter<'channel' | 'provider'>;
  notificationsFailed: Counter<'channel' | 'provider'>;
  notificationRetries: Counter<'channel' | 'provider'>;
  render(): string;
}

export function createMetrics(registry: Registry = createRegistry()): Metrics {
  const m: Metrics = {
    registry,
    readingsAccepted: registry.counter('anxin_readings_accepted_total', 'Readings accepted by the detector.'),
    readingsRejected: registry.counter('anxin_readings_rejected_total', 'Readings rejected, by reason.', ['reason']),
    readingsDuplicate: registry.counter('anxin_readings_duplicate_total', 'Readings ignored as duplicates.'),
    alertsOpened: registry.counter('anxin_alerts_opened_total', 'Alerts opened, by type.', ['type']),
    alertsActive: registry.gauge('anxin_alerts_active', 'Alerts open or acknowledged, by type.', ['type']),
    metersConnected: registry.gauge('anxin_meters_connected', 'Meters connected to the broker now.'),
    deadLetters: registry.counter('anxin_dead_letters_total', 'Messages stored as dead letters.'),
    notificationsSent: registry.counter('anxin_notifications_sent_total', 'Notifications delivered to a provider (or the outbox), by channel.', ['channel', 'provider']),
    notificationsFailed: registry.counter('anxin_notifications_failed_total', 'Notification attempts that failed for good on a channel, by channel.', ['channel', 'provider']),
    notificationRetries: registry.counter('anxin_notification_retries_total', 'Notification attempts that failed and will be retried, by channel.', ['channel', 'provider']),
    render: () => registry.render(),
  };
  // Every alert type shows 0 from the start, so a dashboard can tell "none" from "no data".
  for (const type of ALERT_TYPES satisfies readonly AlertType[]) {
    m.alertsOpened.inc({ type }, 0);
    m.alertsActive.set({ type }, 0);
  }
  return m;
}
