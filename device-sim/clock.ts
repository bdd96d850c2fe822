// Wall-clock seams for the live side. The fleet never calls setTimeout or Date.now itself:
// the real scheduler maps to them, and tests drive a manual one without sleeping.

export interface Scheduler {
  /** Wall time, epoch ms. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/** A scheduler whose time moves only when the test says so. */
export class ManualScheduler implements Scheduler {
  private t: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, due: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Pending timers (for tests that check a stopped fleet leaves nothing behind). */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      let first: Timer | undefined;
      for (const timer of this.timers) if (!first || timer.due < first.due || (timer.due === first.due && timer.id < first.id)) first = timer;
      if (!first || first.due > target) break;
      this.timers = this.timers.filter((x) => x !== first);
      this.t = Math.max(this.t, first.due);
      first.fn();
    }
    this.t = target;
  }
}

/** Simulated time running `speed` times faster than the scheduler's wall time. */
export class SimClock {
  private readonly wall0: number;

  constructor(
    readonly scheduler: Scheduler,
    readonly startAt: number,
    readonly speed: number,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`expected a finite speed > 0, got ${speed}`);
    this.wall0 = scheduler.now();
  }

  now(): number {
    return this.startAt + (this.scheduler.now() - this.wall0) * this.speed;
  }

  /** Runs `fn` when simulated time reaches `simAt` (at once if it already has). */
  at(simAt: number, fn: () => void): unknown {
    return this.scheduler.setTimeout(fn, Math.max(0, (simAt - this.now()) / this.speed));
  }
}
