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

/**
 * How sure the detector is. A no-usage alert may open at an earlier, lower-confidence
 * 'check-in' deadline (only the elder is asked, "reply 1 if all is well"); it becomes
 * 'confirmed' at the full deadline, when grid workers may be woken. Absent = 'confirmed'.
 */
export const ALERT_STAGES = ['check-in', 'confirmed'] as const;
export type AlertStage = (typeof ALERT_STAGES)[number];

/** What the person who checked found: recorded at resolution so the detector can learn from it. */
export const VISIT_OUTCOMES = ['elder-fine', 'away-unregistered', 'hospital', 'deceased', 'false-alarm', 'meter-fault', 'other'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

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
  /** Absent means 'confirmed'. */
  stage?: AlertStage;
  /** Set when someone records what they found (visit, check-in reply "1" = 'elder-fine'). */
  outcome?: VisitOutcome;
  reason: Explanation;
}

/** Severity drives notification urgency: safety first, equipment after. */
/** `resolvedBy` of the alerts closed because the household withdrew consent (PIPL): processing
 *  stops, so nobody is sent anything more about them, not even an all-clear. */
export const CONSENT_WITHDRAWN_BY = 'consent-withdrawn';

export const ALERT_SEVERITY: Record<AlertType, 'critical' | 'warning' | 'info'> = {
  'no-usage': 'critical',
  surge: 'critical',
  leak: 'warning',
  offline: 'warning',
  'data-fault': 'info',
  'battery-low': 'info',
};
