// GET /api/households/:id/usage?range=24h|7d — litres used per bucket from the stored
// readings (hourly over the last 24 h, daily over the last 7 days), beside the household's
// usual pattern: the mean of the same hour over the previous 7 days, or of the previous 28 days.
// A register step that no domestic meter can make (negative, or faster than 100 L/min) is a
// data fault and counts as nothing here, as in the detector.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDeps } from '../deps.ts';
import { viewerOf, visibleHousehold } from '../dashboard.ts';
import { IdParams, parse } from '../validate.ts';
import { HOUSEHOLD_ROLES, requireRole } from '../auth/principal.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** China Standard Time: days start at local midnight (the detector's default utcOffsetMinutes). */
const OFFSET = 8 * HOUR;
const MAX_LPM = 100;

const Query = z.strictObject({ range: z.enum(['24h', '7d'], { error: 'expected range=24h or range=7d' }).default('24h') });


/** Household views: an operator is refused (403), as README's role table says, not shown an empty page. */
const carers = { onRequest: requireRole(...HOUSEHOLD_ROLES) };
export function usageRoutes(api: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'clock'>): void {
  api.get('/households/:id/usage', carers, async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const { range } = parse('query', Query, req.query);
    const h = visibleHousehold(deps, req, id);
    const now = deps.clock();
    const meterIds = deps.store.meters.list({ householdId: h.id }).map((m) => m.id);
    // Litres per bucket of the intervals ending in [from, from + n buckets), from each meter's
    // readings since its last one before `from`: the first interval needs a reading to start
    // from, however rarely the meter reports (a fixed hour of lookback lost a daily meter's first day).
    const usage = (from: number, bucketMs: number, n: number): number[] => {
      const out = new Array<number>(n).fill(0);
      for (const m of meterIds) {
        const start = deps.store.readings.lastBefore(m, from) ?? from;
        deps.store.readings.addUsage(out, m, start, from + bucketMs * n, from, bucketMs, MAX_LPM);
      }
      return out.map((x) => Math.round(x * 10) / 10);
    };

    if (range === '24h') {
      const to = Math.ceil(now / HOUR) * HOUR;
      const from = to - DAY;
      const recent = usage(from, HOUR, 24);
      const past = usage(from - 7 * DAY, HOUR, 7 * 24);
      // Only days that have readings count (a new meter has fewer than 7).
      const days = [0, 1, 2, 3, 4, 5, 6].filter((d) => past.slice(d * 24, d * 24 + 24).some((x) => x > 0));
      const usual = Array.from({ length: 24 }, (_, i) =>
        days.length ? Math.round((days.reduce((s, d) => s + past[d * 24 + i]!, 0) / days.length) * 10) / 10 : null,
      );
      return { range, bucketMs: HOUR, from, to, now, buckets: recent.map((liters, i) => ({ t: from + i * HOUR, liters, usual: usual[i]! })) };
    }
    // Local days (CST): the last bucket is today so far.
    const today = Math.floor((now + OFFSET) / DAY) * DAY - OFFSET;
    const from = today - 6 * DAY;
    const to = today + DAY;
    const recent = usage(from, DAY, 7);
    const past = usage(from - 28 * DAY, DAY, 28);
    const days = past.filter((x) => x > 0);
    const usual = days.length ? Math.round((days.reduce((s, x) => s + x, 0) / days.length) * 10) / 10 : null;
    return { range, bucketMs: DAY, from, to, now, buckets: recent.map((liters, i) => ({ t: from + i * DAY, liters, usual })) };
  });
}
