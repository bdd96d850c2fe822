// Scripted answers for replay and drills (issue 9 item 6): what the people a no-usage alert
// reaches would answer, so a back-test measures the product's whole loop — the check-in asks
// the elder first, a grid worker visits after a confirmed alert, and an answer of "elder fine"
// teaches the household's routine (src/detect/learn.ts) — not just the detector's first guess.
// The script knows each household's true state over time (from a trace's labels, or written by
// hand for a drill): an incapacitated elder never answers a check-in and a visit then finds
// them ('hospital', which teaches nothing); an elder away from home answers a check-in from
// where they are, and a visit finds nobody ('away-unregistered'). Everything else is a normal
// day: the elder answers a check-in with probability `replyRate` (a deterministic draw per
// alert, so a replay is repeatable), and a visit finds them fine.
import { z } from 'zod';
import type { Alert, VisitOutcome } from '../domain/alert.ts';
import { METER_ID, Timestamp } from '../domain/wire.ts';

const MINUTE = 60_000;

const Period = z.object({ from: Timestamp, to: Timestamp, state: z.enum(['incapacitated', 'away']) });

export const ResponderSchema = z
  .object({
    /** Seed of the per-alert reply draw. */
    seed: z.number().int().default(1),
    checkIn: z
      .object({
        /** Share of check-ins a well elder answers (phones go unheard). */
        replyRate: z.number().min(0).max(1).default(0.8),
        afterMs: z.number().int().positive().default(15 * MINUTE),
        /** The notification ladder's check-in window (policy.checkIn.windowMin, escalation.ts): a
         *  check-in not answered within it reaches the grid worker, who then visits, without
         *  waiting for the detector's confirmation. Absent: a household whose elder cannot be
         *  asked; its check-in disturbs no one and the grid worker hears of the confirmed alert. */
        windowMs: z.number().int().positive().optional(),
      })
      .strict()
      .prefault({}),
    /** A grid worker visits every confirmed no-usage alert this long after it reached them;
     *  absent: nobody visits (only check-ins are answered). */
    visit: z.object({ afterMs: z.number().int().positive().default(60 * MINUTE) }).strict().optional(),
    /** Per meter, the periods in which the household was not simply at home and well. */
    households: z.record(z.string().regex(METER_ID, 'expected a meter id of letters, digits, _ or -'), z.array(Period)).default({}),
  })
  .strict();
export type Responder = z.output<typeof ResponderSchema>;

export interface PlannedAnswer {
  at: number;
  meterId: string;
  alertId: string;
  outcome: VisitOutcome;
  by: 'elder' | 'visit';
}

const stateAt = (r: Responder, meterId: string, t: number): 'well' | 'incapacitated' | 'away' =>
  r.households[meterId]?.find((p) => p.from <= t && t < p.to)?.state ?? 'well';

/** A uniform draw in [0, 1) from (seed, alert id): FNV-1a, so it is the same on every run. */
function draw(seed: number, id: string): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return h / 2 ** 32;
}

/** When an unanswered check-in raised at `at` reaches the grid worker (NaN: only when confirmed). */
export const checkInLapsesAt = (r: Responder, at: number): number => (r.checkIn.windowMs === undefined ? NaN : at + r.checkIn.windowMs);

/**
 * The answer, if any, to a no-usage alert that reached its `stage` at `at`: a check-in the elder
 * may answer, a confirmed alert a grid worker visits. Other alert types are not answered here.
 */
export function planAnswer(r: Responder, alert: Alert, stage: 'check-in' | 'confirmed', at: number): PlannedAnswer | undefined {
  if (alert.type !== 'no-usage') return undefined;
  const base = { meterId: alert.meterId, alertId: alert.id };
  if (stage === 'check-in') {
    const t = at + r.checkIn.afterMs;
    if (stateAt(r, alert.meterId, t) === 'incapacitated' || draw(r.seed, alert.id) >= r.checkIn.replyRate) return undefined;
    return { ...base, at: t, outcome: 'elder-fine', by: 'elder' };
  }
  if (!r.visit) return undefined;
  const t = at + r.visit.afterMs;
  const state = stateAt(r, alert.meterId, t);
  return { ...base, at: t, outcome: state === 'incapacitated' ? 'hospital' : state === 'away' ? 'away-unregistered' : 'elder-fine', by: 'visit' };
}
