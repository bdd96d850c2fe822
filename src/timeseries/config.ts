// The `timeseries` config slice: where history goes (InfluxDB 2) and how much may wait
// locally while it is unreachable. Without `url` the writer is off and the service runs
// on its embedded store alone.
import { z } from 'zod';
import type { Secret } from '../config.ts';

/** `toSecret` is src/config.ts's Secret constructor, passed in so the two modules do not import each other. */
export const timeseriesConfigSchema = (toSecret: (s: string) => Secret) =>
  z
  .strictObject({
    /** InfluxDB base URL, e.g. http://influxdb:8086. Unset = history off. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** API token with write access to `bucket` (an InfluxDB 2 "all-access" or bucket-write token). */
    token: z.string().min(1).transform(toSecret).optional(),
    org: z.string().min(1).optional(),
    bucket: z.string().min(1).optional(),
    /** The client sends a batch at most this long after its first point (ms). */
    flushIntervalMs: z.number().int().min(10).max(60_000).default(1000),
    batchSize: z.number().int().min(1).max(50_000).default(5000),
    /** Bodies larger than this many bytes are gzipped. */
    gzipThreshold: z.number().int().min(0).default(1000),
    /** Deadline of one request to InfluxDB, whole answer included (ms): a hung or trickling server holds at most this long of points in memory. */
    timeoutMs: z.number().int().min(100).max(120_000).default(5000),
    /** Points kept in the local spool while InfluxDB is unreachable; raw readings are dropped first past it. */
    spoolMaxPoints: z.number().int().min(1000).default(1_000_000),
    /** Points per request when the spool drains. */
    drainBatch: z.number().int().min(1).max(50_000).default(5000),
    /** First retry of the spool after a failure (ms); doubles up to maxBackoffMs. */
    retryMs: z.number().int().min(10).default(1000),
    maxBackoffMs: z.number().int().min(100).default(30_000),
    /** An hour's (day's) usage is written this long after the bucket ended, or as soon as a later reading arrives. */
    usageGraceMinutes: z.number().int().min(0).max(24 * 60).default(10),
  })
  .refine((c) => !c.url || (c.token && c.org && c.bucket), {
    message: 'expected token, org and bucket together with url (InfluxDB 2 needs all four)',
  });

export type TimeseriesConfig = z.output<ReturnType<typeof timeseriesConfigSchema>>;

/** Environment overrides for the slice (src/config.ts applies them). */
export const TIMESERIES_ENV: Record<string, (c: any, v: string) => void> = {
  ANXIN_INFLUX_URL: (c, v) => ((c.timeseries ??= {}).url = v),
  ANXIN_INFLUX_TOKEN: (c, v) => ((c.timeseries ??= {}).token = v),
  ANXIN_INFLUX_ORG: (c, v) => ((c.timeseries ??= {}).org = v),
  ANXIN_INFLUX_BUCKET: (c, v) => ((c.timeseries ??= {}).bucket = v),
};
