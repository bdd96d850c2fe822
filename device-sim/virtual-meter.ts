// One live meter: publishes its simulated reports when simulated time reaches them.
import type { SimClock } from './clock.ts';
import { SAMPLE_INTERVAL, type Cadence, type Report, type SimReading } from './meter.ts';
import type { MeterSim } from './meter-sim.ts';
import type { MeterConnection } from './mqtt-connect.ts';
import { badPayload, batchPayload, readingPayload, statusPayload, topicFor, type TopicKind } from './payloads.ts';
import type { Rng } from './rng.ts';
import { DAY, HOUR } from './sim-time.ts';

export interface FleetCounters {
  reports: number;
  readings: number;
  published: number;
  failed: number;
  badPayloads: number;
  resends: number;
  backfilled: number;
}

export interface VirtualMeterOptions {
  cadence: Cadence;
  /** Household simulation start; `seq` counts readings from here. */
  from: number;
  /** Live start: earlier reports are backfilled at once as batches. */
  startAt: number;
  badPayloadRate: number;
  battery: number;
  rng: Rng;
  counters: FleetCounters;
  onError: (err: Error) => void;
}

/** Largest history batch: well under the contract's 5,000 readings per message. */
const BACKFILL_CHUNK = 1000;

export class VirtualMeter {
  private timer: unknown;
  private stopped = false;
  private nextStatus: number;
  readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sim: MeterSim,
    private readonly conn: MeterConnection,
    private readonly clock: SimClock,
    private readonly opts: VirtualMeterOptions,
  ) {
    this.nextStatus = opts.startAt;
  }

  start(): void {
    // Every history publish is issued before any live one: one client writes in call order.
    let history: SimReading[] = [];
    let next = this.sim.reports.next();
    while (!next.done && next.value.sendAt < this.opts.startAt) {
      if (!next.value.resend) history.push(...next.value.readings);
      if (history.length >= BACKFILL_CHUNK) history = this.flushHistory(history);
      next = this.sim.reports.next();
    }
    if (history.length > 0) this.flushHistory(history);
    if (!next.done) this.schedule(next.value);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.scheduler.clearTimeout(this.timer);
  }

  private flushHistory(readings: SimReading[]): SimReading[] {
    this.opts.counters.backfilled += readings.length;
    this.send('batch', batchPayload(readings.map((r) => ({ reading: r, seq: this.seq(r) }))));
    return [];
  }

  private schedule(report: Report): void {
    this.timer = this.clock.at(report.sendAt, () => {
      if (this.stopped) return;
      this.publish(report);
      const next = this.sim.reports.next();
      if (!next.done) this.schedule(next.value);
    });
  }

  private publish(report: Report): void {
    const c = this.opts.counters;
    c.reports++;
    c.readings += report.readings.length;
    if (report.resend) c.resends++;
    if (report.sendAt >= this.nextStatus) {
      this.send('status', statusPayload(report.sendAt, this.opts.battery));
      this.nextStatus += DAY;
    }
    if (report.kind === 'batch') {
      this.send('batch', batchPayload(report.readings.map((r) => ({ reading: r, seq: this.seq(r) }))));
    } else {
      const r = report.readings[0] as SimReading;
      // Battery rides along once an hour, as many meters do to save airtime.
      const battery = r.ts % HOUR === 0 ? { battery: this.opts.battery } : {};
      this.send('reading', readingPayload(r, { seq: this.seq(r), ...battery }));
    }
    if (this.opts.badPayloadRate > 0 && this.opts.rng.chance(this.opts.badPayloadRate)) {
      const bad = badPayload(report.readings[0] as SimReading, this.opts.rng);
      c.badPayloads++;
      this.send(bad.kind, bad.payload);
    }
  }

  private seq(r: SimReading): number {
    return Math.floor((r.ts - this.opts.from) / SAMPLE_INTERVAL[this.opts.cadence]);
  }

  private send(kind: TopicKind, payload: string): void {
    const p = this.conn
      .publish(topicFor(this.sim.meterId, kind), payload)
      .then(() => void this.opts.counters.published++)
      .catch((err: Error) => {
        this.opts.counters.failed++;
        this.opts.onError(err);
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
