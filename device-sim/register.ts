// The meter's cumulative register: litres that passed through it up to a given instant,
// integrated exactly from the flow segments (overlapping uses simply add up).
import type { FlowSegment } from './usage.ts';

export class Register {
  private readonly source: Iterator<FlowSegment>;
  private upcoming: FlowSegment | undefined;
  private active: FlowSegment[] = [];
  private litres: number;
  private lastT: number;

  /** `segments` must be ordered by start; flow before `from` is ignored. */
  constructor(segments: Iterable<FlowSegment>, from: number, initialLitres: number) {
    this.source = segments[Symbol.iterator]();
    this.upcoming = this.pull();
    this.litres = initialLitres;
    this.lastT = from;
  }

  /** Register value at `t`; calls must not go back in time. */
  at(t: number): number {
    if (t < this.lastT) throw new RangeError(`expected t ≥ ${this.lastT}, got ${t}`);
    while (this.upcoming && this.upcoming.start < t) {
      this.active.push(this.upcoming);
      this.upcoming = this.pull();
    }
    for (const seg of this.active) {
      const ms = Math.min(seg.end, t) - Math.max(seg.start, this.lastT);
      if (ms > 0) this.litres += (seg.lpm * ms) / 60_000;
    }
    this.active = this.active.filter((seg) => seg.end > t);
    this.lastT = t;
    return this.litres;
  }

  private pull(): FlowSegment | undefined {
    const next = this.source.next();
    return next.done ? undefined : next.value;
  }
}
