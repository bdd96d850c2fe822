// One configuration, validated once at start-up: defaults, then an optional JSON file
// (ANXIN_CONFIG), then environment variables. Unknown keys are errors; secrets never print.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TrustProxySchema } from './http/auth/trust-proxy.ts';
import { DetectorConfigSchema } from './detect/config.ts';
import { TIMESERIES_ENV, timeseriesConfigSchema } from './timeseries/config.ts';
import { SecurityConfigSchema, TlsConfigSchema } from './http/auth/config.ts';
import { RetentionSchema } from './service/retention.ts';
import { NotifyConfigSchema } from './notify/config.ts';
import { LimitsSchema } from './broker/limits.ts';
import { BacklogSchema, ConformanceSchema, MqttTlsSchema } from './broker/listeners.ts';

/** A value that prints as <secret> in logs, JSON and inspection. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '<secret>';
  }
  toJSON(): string {
    return '<secret>';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '<secret>';
  }
}

const port = z.number().int().min(0).max(65535);

export const ConfigSchema = z.strictObject({
  /** SQLite file; ':memory:' for throwaway runs. */
  dbPath: z.string().min(1).default('./data/anxin.db'),
  mqtt: z
    .strictObject({
      port: port.default(1883),
      host: z.string().default('0.0.0.0'),
      /** Listen backlog of the MQTT listeners, sized for a fleet reconnecting at once; capped by net.core.somaxconn (src/broker/listeners.ts). */
      backlog: BacklogSchema,
      /** MQTT over TLS (8883), beside plain TCP; off unless set (src/broker/listeners.ts). */
      tls: MqttTlsSchema.optional(),
      /** Anonymous listener for the Paho interoperability suite; off, loopback only. */
      conformance: ConformanceSchema.prefault({}),
      /** "worker" (default): the broker in a worker thread, the pipeline on the main thread (src/broker/threaded.ts, issue 12); "main": both on one thread. */
      thread: z.enum(['main', 'worker']).default('worker'),
    })
    .prefault({}),
  http: z
    .strictObject({
      port: port.default(8080),
      /** Loopback by default: personal data is never served off this machine until authentication is set up (README "Security"). */
      host: z.string().default('127.0.0.1'),
      /** Machines' bearer token for /api/* (admin rights). People sign in (POST /api/session). */
      apiToken: z.string().min(16).transform((s) => new Secret(s)).optional(),
      /** Serve HTTPS with these PEM files. */
      tls: TlsConfigSchema.optional(),
      /** Believe X-Forwarded-For only from these proxies (src/http/auth/trust-proxy.ts); default false. */
      trustProxy: TrustProxySchema,
    })
    .prefault({}),
  detector: DetectorConfigSchema.prefault({}),
  /** How often time-only rules (offline) are evaluated. */
  tickSeconds: z.number().int().min(1).max(300).default(30),
  /** How often the detector's learned state is saved (also at a clean stop); a crash loses at most this much learning. */
  snapshotMinutes: z.number().int().min(1).max(60).default(5),
  retention: RetentionSchema.prefault({}),
  /** Sessions, sign-in limits, the erasure grace period after a consent withdrawal (src/http/auth/config.ts). */
  security: SecurityConfigSchema.prefault({}),
  /** Who is told about alerts and how: escalation policy, links, channels (src/notify/config.ts). */
  notify: NotifyConfigSchema.prefault({}),
  /** What a hostile or failing peer may cost: MQTT limits, auth backoff, group commit, dead-letter bounds (src/broker/limits.ts). */
  limits: LimitsSchema.prefault({}),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
  /** History in InfluxDB 2 (src/timeseries/config.ts); off unless `timeseries.url` is set. */
  timeseries: timeseriesConfigSchema((s) => new Secret(s)).prefault({}),
});
export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

const ENV: Record<string, (c: any, v: string) => void> = {
  ANXIN_DB: (c, v) => (c.dbPath = v),
  ANXIN_MQTT_PORT: (c, v) => ((c.mqtt ??= {}).port = Number(v)),
  ANXIN_HTTP_PORT: (c, v) => ((c.http ??= {}).port = Number(v)),
  ANXIN_HTTP_HOST: (c, v) => ((c.http ??= {}).host = v),
  ANXIN_API_TOKEN: (c, v) => ((c.http ??= {}).apiToken = v),
  ANXIN_LOG_LEVEL: (c, v) => ((c.log ??= {}).level = v),
  ANXIN_SNAPSHOT_MINUTES: (c, v) => (c.snapshotMinutes = Number(v)),
  ...TIMESERIES_ENV,
};

/** Throws an Error whose message lists every bad key as "path: expected …". */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigInput = {}): Config {
  const raw: any = env.ANXIN_CONFIG ? JSON.parse(readFileSync(env.ANXIN_CONFIG, 'utf8')) : {};
  for (const [name, apply] of Object.entries(ENV)) if (env[name] !== undefined) apply(raw, env[name]!);
  return parseConfig({ ...raw, ...overrides });
}

export function parseConfig(input: unknown): Config {
  const r = ConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(`invalid configuration:\n${lines.join('\n')}`);
}
