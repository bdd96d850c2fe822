// The replay trace as the harness sees it (README "Replay"): one reading per line, in
// arrival order. The harness only reads the fields it needs and passes lines on untouched.

export interface TraceLine {
  meterId: string;
  /** When the meter took the reading (ISO-8601 UTC; epoch ms tolerated). */
  ts: string | number;
  /** The meter's cumulative register, litres. */
  totalLiters: number;
  /** Present when the reading reached us later than `ts` (e.g. an hourly batch). */
  receivedAt?: string | number;
  [extra: string]: unknown;
}

/** What every harness output alert looks like (a subset of the replay CLI's output line). */
export interface EvalAlert {
  meterId: string;
  type: string;
  /** Clock time the alert was raised, ISO-8601 UTC (for an escalation: when it was confirmed). */
  openedAt: string;
  /** 'check-in': the earlier stage only the elder hears (issue 7); absent = confirmed. */
  stage?: 'check-in' | 'confirmed';
  /** This line is a check-in alert confirmed later (replay `"change":"escalated"`), not a new alert. */
  escalated?: true;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function toMs(t: string | number): number {
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`expected an ISO-8601 timestamp, got ${JSON.stringify(t)}`);
  return ms;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Event time of a line in arrival order: when it reached us, which is when a live system could act. */
export const arrivalMs = (line: TraceLine): number => toMs(line.receivedAt ?? line.ts);

/** Parses replay output (one JSON alert per line); blank lines are skipped, bad lines throw with their number. */
export function parseAlertLines(text: string): EvalAlert[] {
  const alerts: EvalAlert[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`alerts line ${i + 1}: expected JSON, got ${line.slice(0, 80)}`);
    }
    const o = v as Partial<EvalAlert> & { change?: unknown; escalatedAt?: unknown };
    if (typeof o.meterId !== 'string' || typeof o.type !== 'string' || typeof o.openedAt !== 'string') {
      throw new Error(`alerts line ${i + 1}: expected {meterId, type, openedAt} strings, got ${line.slice(0, 80)}`);
    }
    toMs(o.openedAt);
    if (o.change === 'answered') return; // a replayed answer (--responder), not an alert
    if (o.change === 'escalated') {
      if (typeof o.escalatedAt !== 'string') throw new Error(`alerts line ${i + 1}: an escalation needs escalatedAt, got ${line.slice(0, 80)}`);
      toMs(o.escalatedAt);
      alerts.push({ meterId: o.meterId, type: o.type, openedAt: o.escalatedAt, stage: 'confirmed', escalated: true });
    } else alerts.push({ meterId: o.meterId, type: o.type, openedAt: o.openedAt, ...(o.stage === 'check-in' && { stage: 'check-in' as const }) });
  });
  return alerts;
}
