// The one source of truth for what Anxin writes to InfluxDB: measurement, tag and field
// names. The writer builds its points from these constants, the dashboards' test checks
// every Flux query against them, and README's Deployment section lists them.
// Line protocol: https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/

export const MEASUREMENTS = {
  /** One point per accepted reading, at the reading's own time (ms). */
  reading: {
    name: 'reading',
    tags: ['meter', 'household', 'grid'],
    fields: { total_liters: 'float', flow_lpm: 'float', battery: 'float' },
  },
  /** Litres a household used in one local hour or day; time = the bucket's start. Rewritten if late data arrives. */
  usage: {
    name: 'usage',
    tags: ['household', 'grid', 'period'],
    fields: { liters: 'float' },
  },
  /** One point per alert lifecycle or notification step; time = when it happened. */
  alertEvent: {
    name: 'alert_event',
    tags: ['kind', 'type', 'grid', 'household', 'meter', 'stage', 'channel'],
    fields: { count: 'integer', alert_id: 'string', ack_seconds: 'float' },
  },
  /** Readings ingest refused (bad payload, out of order, data fault …), counted per batch. */
  rejected: {
    name: 'ingest_rejected',
    tags: ['reason'],
    fields: { count: 'integer' },
  },
} as const;

export type MeasurementKey = keyof typeof MEASUREMENTS;

/** `usage.period` values. */
export const USAGE_PERIODS = ['hour', 'day'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

/**
 * `alert_event.kind` values. The lifecycle ones come from AlertChange; the notification
 * ones are for the notifier (it writes `{ kind, alert, tags: { channel } }`).
 */
export const HISTORY_EVENT_KINDS = ['opened', 'acknowledged', 'escalated', 'resolved', 'notified', 'notify-failed'] as const;

/** Tag value when a household has no grid, or a meter no household (tags may not be empty). */
export const UNASSIGNED = 'unassigned';

/**
 * What the spool may drop when full (src/timeseries/spool.ts): raw readings first, then
 * derived points (usage, rejections), never alert events.
 */
export type SpoolClass = 'reading' | 'derived' | 'alert';
export function spoolClassOf(line: string): SpoolClass {
  const end = line.search(/[, ]/);
  const measurement = end < 0 ? line : line.slice(0, end);
  if (measurement === MEASUREMENTS.reading.name) return 'reading';
  if (measurement === MEASUREMENTS.alertEvent.name) return 'alert';
  return 'derived';
}
