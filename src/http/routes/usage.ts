// GET /api/households/:id/usage?range=24h|7d — litres used per bucket from the stored
// readings (hourly over the last 24 h, daily over the last 7 days), beside the household's
// usual pattern: the mean of the same hour over the previous 7 days, or of the previous 28 days.
// A register step that no domestic meter can make (negative, or faster than 100 L/min) is a
// data fault and counts as nothing here, as in the detector.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Reading } from '../../domain/reading.ts';
import type { ServerDeps } from '../deps.ts';
import { viewerOf, visibleHousehold } from '../dashboard.ts';
import { IdParams, parse } from '../validate.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** China Standard Time: days start at local midnight (the detector's default utcOffsetMinutes). */
const OFFSET = 8 * HOUR;
const MAX_LPM = 100;

const Query = z.strictObject({ range: z.enum(['24h', '7d'], { error: 'expected range=24h or range=7d' }).default('24h') });

/** Litres attributed to the bucket of each interval's end. */
export function bucketize(readings: readonly Reading[], from: number, bucketMs: number, n: number, offset = 0): number[] {
  const out = new Array<number>(n).fill(0);
  const byMeter = new Map<string, Reading[]>();
  for (const r of readings) (byMeter.get(r.meterId) ?? byMeter.set(r.meterId, []).get(r.meterId)!).push(r);
  for (const rs of byMeter.values())
    for (let i = 1; i < rs.length; i++) {
      const dt = rs[i]!.ts - rs[i - 1]!.ts;
      const l = rs[i]!.totalLiters - rs[i - 1]!.totalLiters;
      if (l < 0 || dt <= 0 || l > (MAX_LPM * dt) / 60_000) continue;
      const b = Math.floor((rs[i]!.ts - from - offset) / bucketMs);
      if (b >= 0 && b < n) out[b]! += l;
    }
  return out.map((x) => Math.round(x * 10) / 10);
}

export function usageRoutes(api: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'clock'>): void {
  api.get('/households/:id/usage', async (req) => {
    const { id } = parse('params', IdParams, req.params);
    const { range } = parse('query', Query, req.query);
    const h = visibleHousehold(deps, req, id);
    const now = deps.clock();
    const meterIds = deps.store.meters.list({ householdId: h.id }).map((m) => m.id);
    const read = (from: number, to: number) => meterIds.flatMap((m) => deps.store.readings.between(m, from, to));

    if (range === '24h') {
      const to = Math.ceil(now / HOUR) * HOUR;
      const from = to - DAY;
      // One extra hour before each window, so the first interval has a reading to start from.
      const recent = bucketize(read(from - HOUR, to), from, HOUR, 24);
      const past = bucketize(read(from - 7 * DAY - HOUR, from), from - 7 * DAY, HOUR, 7 * 24);
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
    const recent = bucketize(read(from - HOUR, to), from, DAY, 7);
    const past = bucketize(read(from - 28 * DAY - HOUR, from), from - 28 * DAY, DAY, 28);
    const days = past.filter((x) => x > 0);
    const usual = days.length ? Math.round((days.reduce((s, x) => s + x, 0) / days.length) * 10) / 10 : null;
    return { range, bucketMs: DAY, from, to, now, buckets: recent.map((liters, i) => ({ t: from + i * DAY, liters, usual })) };
  });
}
