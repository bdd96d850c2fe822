// Domain → InfluxDB points, named only through schema.ts. Timestamps are epoch ms (the
// write API is opened with precision 'ms').
import { Point } from '@influxdata/influxdb-client';
import type { Alert } from '../domain/alert.ts';
import type { Reading } from '../domain/reading.ts';
import { MEASUREMENTS, UNASSIGNED, type UsagePeriod } from './schema.ts';

export interface Placement {
  household: string;
  grid: string;
}

/** A step in an alert's life (AlertChange) or of its notification, as the writer's one input. */
export interface AlertEventInput {
  kind: string;
  alert: Alert;
  /** When it happened; defaults to the time the alert records for that kind, else now. */
  at?: number;
  /** Extra tags from schema's alert_event tags (e.g. `channel` for notifications). */
  tags?: Partial<Record<'channel', string>>;
}

const R = MEASUREMENTS.reading;
const U = MEASUREMENTS.usage;
const A = MEASUREMENTS.alertEvent;
const J = MEASUREMENTS.rejected;

export function readingPoint(r: Reading, p: Placement): Point {
  const pt = new Point(R.name)
    .tag(R.tags[0], r.meterId)
    .tag(R.tags[1], p.household)
    .tag(R.tags[2], p.grid)
    .floatField('total_liters', r.totalLiters)
    .timestamp(r.ts);
  if (r.flowLpm !== undefined) pt.floatField('flow_lpm', r.flowLpm);
  if (r.battery !== undefined) pt.floatField('battery', r.battery);
  return pt;
}

export function usagePoint(household: string, grid: string, period: UsagePeriod, start: number, liters: number): Point {
  return new Point(U.name).tag('household', household).tag('grid', grid).tag('period', period).floatField('liters', liters).timestamp(start);
}

/** The time an alert records for a lifecycle kind (undefined for other kinds). */
export function recordedTime(kind: string, a: Alert): number | undefined {
  if (kind === 'opened') return a.openedAt;
  if (kind === 'acknowledged') return a.acknowledgedAt;
  if (kind === 'resolved') return a.resolvedAt;
  return undefined;
}

export function alertEventPoint(e: AlertEventInput, p: Placement, now: number): Point {
  const a = e.alert;
  const at = e.at ?? recordedTime(e.kind, a) ?? now;
  const pt = new Point(A.name)
    .tag('kind', e.kind)
    .tag('type', a.type)
    .tag('grid', p.grid)
    .tag('household', p.household)
    .tag('meter', a.meterId)
    .tag('stage', a.stage ?? 'confirmed')
    .intField('count', 1)
    .stringField('alert_id', a.id)
    .timestamp(at);
  if (e.tags?.channel) pt.tag('channel', e.tags.channel);
  // Time to acknowledgement, for the dashboards' percentiles (seconds since it opened).
  if (e.kind === 'acknowledged' && a.acknowledgedAt !== undefined) pt.floatField('ack_seconds', (a.acknowledgedAt - a.openedAt) / 1000);
  return pt;
}

export function rejectedPoint(reason: string, n: number, at: number): Point {
  return new Point(J.name).tag('reason', reason || UNASSIGNED).intField('count', n).timestamp(at);
}
