// The messages between the main thread and the broker's worker thread (threaded.ts,
// thread-entry.ts), and the figures the worker keeps in shared memory for the main thread's
// synchronous reads. Plain data only: it crosses a structured clone.
import type { Verdict } from './auth.ts';
import type { BackpressureLimits } from './backpressure.ts';
import type { AuthLimits, MqttLimits } from './limits.ts';

export interface WorkerOptions {
  port: number;
  host?: string;
  backlog?: number;
  limits?: MqttLimits;
  authLimits?: AuthLimits;
  tls?: { port: number; host?: string; cert: Buffer; key: Buffer };
  conformance?: { port: number; host: string };
  backpressure?: BackpressureLimits;
  logLevel: string;
  /** A SharedArrayBuffer of DEPTH.length float64s. */
  depth: SharedArrayBuffer;
}

/** Slots of the shared Float64Array. mainQueued is written by the main thread, the rest by the worker. */
export const DEPTH = {
  mainQueued: 0,
  connected: 1,
  unauthenticated: 2,
  queuedSockets: 3,
  readings: 4,
  bytes: 5,
  pausedSockets: 6,
  pauses: 7,
  length: 8,
} as const;

export type CounterName = 'socketRefused' | 'packetTooLarge' | 'connectRefused' | 'publishLimited' | 'paused';

export type ToMain =
  | { t: 'ready'; port: number; backlog: number; tlsPort?: number; conformancePort?: number }
  | { t: 'publish'; ids: number[]; meterIds: string[]; topics: string[]; payloads: string[] }
  | { t: 'verify'; id: number; meterId: string; password: string }
  | { t: 'count'; name: CounterName; arg: string }
  | { t: 'closed' };

export type ToBroker =
  | { t: 'settled'; ids: number[] }
  | { t: 'verified'; id: number; verdict?: Verdict; error?: string }
  | { t: 'disconnect'; meterId: string }
  | { t: 'poll' }
  | { t: 'close' };
