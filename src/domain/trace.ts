// The replay/back-test trace format (README "Replay"): one JSON object per line, arrival order.
import { z } from 'zod';
import { METER_ID, Timestamp, describeZodError, isoWithZoneMs } from './wire.ts';

export const TraceLine = z.object({
  meterId: z.string().regex(METER_ID, 'expected a meter id of letters, digits, _ or -'),
  ts: Timestamp,
  totalLiters: z.number().finite().nonnegative(),
  receivedAt: Timestamp.optional(),
  seq: z.number().int().nonnegative().optional(),
  flowLpm: z.number().finite().nonnegative().optional(),
  battery: z.number().min(0).max(100).optional(),
});
export type TraceLine = z.output<typeof TraceLine>;

/** One line of replay output per alert opened. */
export interface AlertLine {
  meterId: string;
  type: string;
  openedAt: string;
  observedAt: string;
  reason: string;
  reasonZh: string;
  facts: Record<string, number | string>;
  /** Issue 9/7: 'opened' (one per alert) or 'escalated' (a check-in alert confirmed at `escalatedAt`). */
  change?: 'opened' | 'escalated';
  /** 'check-in' = the earlier, lower-confidence stage (only the elder is asked); else 'confirmed'. */
  stage?: 'check-in' | 'confirmed';
  escalatedAt?: string;
  /** How an escalation reached the grid worker: the detector confirmed the silence, or the
   *  elder left the check-in unanswered for the ladder's window (replay with a responder). */
  via?: 'confirmed' | 'check-in-window';
  alertId?: string;
}

/**
 * Parse one trace line. The fast path checks the fields by hand (replay reads millions of
 * lines); anything unusual goes through the zod schema, which also words the error.
 */
export function parseTraceLine(text: string): { ok: true; value: TraceLine } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `invalid JSON: ${(e as Error).message}` };
  }
  const o = raw as Record<string, unknown>;
  if (
    o && typeof o === 'object' &&
    typeof o.meterId === 'string' && METER_ID.test(o.meterId) &&
    typeof o.totalLiters === 'number' && Number.isFinite(o.totalLiters) && o.totalLiters >= 0 &&
    (o.receivedAt === undefined || typeof o.receivedAt === 'string' || typeof o.receivedAt === 'number')
  ) {
    // Strings by the wire's own rule (a zone, a real date): Date.parse alone reads 2026-02-30 as 2 March.
    const ts = typeof o.ts === 'number' ? o.ts : typeof o.ts === 'string' ? (isoWithZoneMs(o.ts) ?? NaN) : NaN;
    const rec = o.receivedAt === undefined ? undefined : typeof o.receivedAt === 'number' ? o.receivedAt : (isoWithZoneMs(o.receivedAt as string) ?? NaN);
    if (Number.isFinite(ts) && ts >= 0 && (rec === undefined || Number.isFinite(rec)) && o.flowLpm === undefined && o.battery === undefined && o.seq === undefined)
      return { ok: true, value: { meterId: o.meterId, ts, totalLiters: o.totalLiters, receivedAt: rec } };
  }
  const parsed = TraceLine.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reason: describeZodError(parsed.error, 3) };
}
