// The meter: samples the register at its cadence and reports, one reading at a time or,
// for NB-IoT meters, in one batch per hour (NB-IoT radios wake rarely to save battery).
import type { Register } from './register.ts';
import type { Rng } from './rng.ts';
import { HOUR, MINUTE, SECOND } from './sim-time.ts';

// '5min' last: datasets drawn before it existed keep their cadences (dataset-plan.ts).
export const CADENCES = ['1min', '15min', 'hourly-batch', '5min'] as const;
export type Cadence = (typeof CADENCES)[number];

export interface SimReading {
  ts: number;
  totalLiters: number;
}

/** One message as the meter sends it. */
export interface Report {
  /** When it reaches the server (sim time); later than the readings for a batch. */
  sendAt: number;
  kind: 'reading' | 'batch';
  readings: SimReading[];
  /** A re-send of an earlier report (same content). */
  resend?: boolean;
}

/** Spacing of readings in the register, per cadence. */
export const SAMPLE_INTERVAL: Record<Cadence, number> = {
  '1min': MINUTE,
  '15min': 15 * MINUTE,
  'hourly-batch': 15 * MINUTE,
  '5min': 5 * MINUTE,
};

export function isCadence(name: string): name is Cadence {
  return (CADENCES as readonly string[]).includes(name);
}

/**
 * 1-min meters report 0.001 L; coarse meters report whole litres, rounded down like a
 * mechanical register's last wheel (rounding down keeps the series monotonic).
 */
export function quantise(litres: number, cadence: Cadence, stepL?: number): number {
  // A pulse register (e.g. 10 L per reed-switch pulse, 0.01 m³) shows whole steps, rounded down.
  if (stepL && stepL > 0) return Math.floor(litres / stepL + 1e-9) * stepL;
  return cadence === '1min' ? Math.round(litres * 1000) / 1000 : Math.floor(litres + 1e-9);
}

/** How a meter's data reaches the server, beyond its cadence (issue 9: arrival is not order). */
export interface DeliveryStyle {
  /** Batch meters: each reading of the hour as its own message, in shuffled order, spread over
   *  up to `spreadMs` (NB-IoT retries, QoS 1 redelivery after a reconnect). */
  shuffled?: boolean;
  spreadMs?: number;
  /** The meter clock runs this far ahead of real time (negative: behind); stamps only. */
  skewMs?: number;
  /** The register's step in litres (e.g. 10 for a pulse meter); default: 0.001 L on 1-min
   *  meters, 1 L on coarse ones. */
  registerStepL?: number;
}

/** Endless reports starting after `from`, on cadence boundaries (UTC and China time agree on them). */
export function* meterReports(register: Pick<Register, 'at'>, cadence: Cadence, from: number, rng: Rng, style: DeliveryStyle = {}): Generator<Report> {
  const step = SAMPLE_INTERVAL[cadence];
  const skew = style.skewMs ?? 0;
  const stamp = (t: number): SimReading => ({ ts: t + skew, totalLiters: quantise(register.at(t), cadence, style.registerStepL) });
  let t = Math.floor(from / step) * step + step;
  if (cadence !== 'hourly-batch') {
    for (;; t += step) {
      yield { sendAt: t, kind: 'reading', readings: [stamp(t)] };
    }
  }
  let batch: SimReading[] = [];
  for (;; t += step) {
    batch.push(stamp(t));
    if (t % HOUR === 0) {
      // The radio sends a few seconds to a few minutes after the hour (network attach, backoff).
      const delay = Math.round(rng.float(5, 180)) * SECOND;
      if (!style.shuffled) yield { sendAt: t + delay, kind: 'batch', readings: batch };
      else {
        // One message per reading, shuffled, spread over the delivery.
        const spread = style.spreadMs ?? 2 * 60 * SECOND;
        const order = rng.shuffle(batch);
        let at = t + delay;
        for (const r of order) {
          yield { sendAt: at, kind: 'reading', readings: [r] };
          at += Math.round(rng.float(0, spread / Math.max(1, order.length)));
        }
      }
      batch = [];
    }
  }
}
