// The `limits` config slice: what a hostile or broken peer may cost the box (issue 11.1,
// 11.2, 11.8). Every number has a safe default; src/config.ts imports this schema under
// its one `limits` key and each module receives only its part.
import { z } from 'zod';
import { BackpressureSchema } from './backpressure.ts';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const MqttLimitsSchema = z.strictObject({
  /**
   * Largest MQTT packet accepted, in bytes of "remaining length" (MQTT 3.1.1 §2.2.3).
   * Checked from the fixed header, before the body is buffered. The wire contract allows
   * 5,000 readings a batch: 43 bytes each with epoch-ms `ts` (215 KB), up to ~100 with an
   * ISO `ts`, seq, flowLpm and battery (~500 KB), so 512 KiB and not less.
   */
  maxPacketBytes: int(1024, 268_435_455).default(512 * 1024),
  /** Largest CONNECT: it arrives before anyone is authenticated, and a meter's is < 300 bytes. */
  maxConnectBytes: int(64, 65_536).default(4096),
  /**
   * Keepalive the server holds a meter to (seconds). A meter asking for 0 (never) or more
   * gets this, so a half-open socket is dropped after 1.5 × this [MQTT-3.1.2-24];
   * §3.1.2.10 lets the server close an inactive client whatever it asked for.
   */
  maxKeepaliveSeconds: int(1, 65_535).default(300),
  /** A socket that has not sent CONNECT by then is closed. */
  connectTimeoutMs: int(100, 120_000).default(10_000),
  /**
   * Sockets that have not finished authenticating (queued or in CONNECT), all addresses
   * together. Sized for a fleet reconnecting at once (issue 12.5): after a restart every meter
   * is unauthenticated for a moment, and one refused here waits for its reconnect period
   * (seconds) — so this should be at least the fleet size. A hostile host is held by
   * maxConnectionsPerAddress; an idle socket costs a few KB and is closed after connectTimeoutMs.
   */
  maxUnauthenticated: int(1, 1_000_000).default(16_384),
  /**
   * Open sockets per source address. NB-IoT meters may arrive through a carrier's NAT, so
   * this is a ceiling against one host opening thousands of sockets, not one per meter.
   */
  maxConnectionsPerAddress: int(1, 1_000_000).default(1024),
  /** Per meter: a token bucket of messages. Over budget the meter is slowed; far over, disconnected. */
  publish: z
    .strictObject({
      /** Sustained messages per second per meter (a real meter sends one a minute or less; the demo at 1200× sends 20). */
      ratePerSecond: z.number().positive().max(100_000).default(50),
      /** Messages a meter may send at once (a reconnecting meter flushing its queue). */
      burst: int(1, 1_000_000).default(200),
      /** Sustained payload bytes per second per meter. */
      bytesPerSecond: int(1024, 1 << 30).default(256 * 1024),
      /** Payload bytes at once: four full-size batches. */
      burstBytes: int(1024, 1 << 30).default(2 * 1024 * 1024),
      /** A publish that would have to wait longer than this disconnects the meter instead. */
      maxDelayMs: int(0, 60_000).default(2000),
    })
    .prefault({}),
});

export const AuthLimitsSchema = z.strictObject({
  /** Failures per meter id before the CONNACK is delayed; then delays double up to maxDelayMs. */
  freeFailuresPerMeter: int(0, 1000).default(3),
  /** Failures from one source address before its CONNACKs are delayed. */
  freeFailuresPerAddress: int(0, 100_000).default(20),
  baseDelayMs: int(0, 60_000).default(250),
  maxDelayMs: int(0, 600_000).default(5000),
  /** Failures (per meter id / per address) after which attempts are refused without hashing. */
  lockoutAfterPerMeter: int(1, 100_000).default(10),
  lockoutAfterPerAddress: int(1, 1_000_000).default(200),
  lockoutMs: int(1000, 86_400_000).default(60_000),
  /** Failures are forgotten after this long without another. */
  windowMs: int(1000, 86_400_000).default(15 * 60_000),
  /** Verified tokens remembered (a keyed HMAC, never the token), so a reconnect storm costs no hashing. */
  cacheEntries: int(0, 10_000_000).default(100_000),
});

export const StoreLimitsSchema = z.strictObject({
  /**
   * Group commit: readings and dead letters wait at most this long for their transaction.
   * 0 = until the end of the current event-loop turn: everything parsed from all sockets in
   * one turn shares one transaction, so batches grow with load and cost no latency idle.
   */
  commitMs: int(0, 1000).default(0),
  /** …or until this many are waiting. */
  commitRows: int(1, 100_000).default(500),
  /** WAL checkpoints in a worker thread this often (src/store/checkpointer.ts); 0 = SQLite's
   *  automatic checkpoint inside the commit, on the event loop (15–60 ms every few seconds under load). */
  checkpointMs: int(0, 600_000).default(1000),
  deadLettersPerMeter: int(1, 1_000_000).default(200),
  deadLettersTotal: int(1, 100_000_000).default(20_000),
  /** Total bytes kept as dead letters (payloads and reasons); the oldest go first. `2 ** 40`, not `1 << 40`:
   *  JS shifts are 32-bit (1 << 40 is 256), which made every value unconfigurable. */
  deadLetterBytesTotal: int(65_536, 2 ** 40).default(64 * 1024 * 1024),
});

export const LimitsSchema = z.strictObject({
  mqtt: MqttLimitsSchema.prefault({}),
  auth: AuthLimitsSchema.prefault({}),
  store: StoreLimitsSchema.prefault({}),
  /** Admission control: when the pipeline falls behind, the busiest sockets are paused (src/broker/backpressure.ts). */
  backpressure: BackpressureSchema.prefault({}),
  /** Readings processed per event-loop turn before yielding (a 5,000-reading batch is sliced). */
  sliceMs: z.number().positive().max(1000).default(4),
});

export type MqttLimits = z.output<typeof MqttLimitsSchema>;
export type AuthLimits = z.output<typeof AuthLimitsSchema>;
export type StoreLimits = z.output<typeof StoreLimitsSchema>;
export type Limits = z.output<typeof LimitsSchema>;

/** Defaults, for modules used without a full config (tests, tools). */
export const DEFAULT_LIMITS: Limits = LimitsSchema.parse({});
