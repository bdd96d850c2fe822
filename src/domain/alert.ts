export const ALERT_TYPES = ['no-usage', 'surge', 'leak', 'offline', 'data-fault', 'battery-low'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Why an alert fired, in words a grid worker understands (zh-CN first), plus the numbers. */
export interface Explanation {
  zh: string;
  en: string;
  /** The numbers behind the sentence (hours, litres, clock times) for the UI and audits. */
  facts: Record<string, number | string>;
}

export interface Alert {
  id: string;
  meterId: string;
  type: AlertType;
  status: AlertStatus;
  /** When the alert was raised (arrival/clock time, not data time). */
  openedAt: number;
  /** The data time the condition was observed at (may be earlier than openedAt for batches). */
  observedAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  /** 'auto' when the condition cleared by itself. */
  resolution?: 'auto' | 'manual';
  note?: string;
  reason: Explanation;
}

/** Severity drives notification urgency: safety first, equipment after. */
export const ALERT_SEVERITY: Record<AlertType, 'critical' | 'warning' | 'info'> = {
  'no-usage': 'critical',
  surge: 'critical',
  leak: 'warning',
  offline: 'warning',
  'data-fault': 'info',
  'battery-low': 'info',
};
