// Event-loop delay as a cumulative Prometheus histogram (issue 12.3). prom-client's default
// collectors already give nodejs_eventloop_lag_seconds and the min/max/mean/p50/p90/p99 of
// perf_hooks' monitorEventLoopDelay, but as gauges reset at every scrape: two scrapers see
// different numbers, and a stall between scrapes shows only in that one max. A histogram's
// buckets only grow, so `rate()` and `histogram_quantile()` work over any window.
// At each render the sampler's recorded distribution (HDR, so its percentile points are
// exact to 3 figures) is folded into the cumulative buckets, then the sampler is reset.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Seconds: from one sampling step (10 ms) to a stall long enough to miss a keepalive. */
export const LOOP_DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class LoopDelayHistogram {
  readonly #sampler: IntervalHistogram;
  readonly #counts = LOOP_DELAY_BUCKETS.map(() => 0);
  #count = 0;
  #sum = 0;

  constructor(
    readonly name = 'anxin_event_loop_delay_seconds',
    resolutionMs = 10,
  ) {
    this.#sampler = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#sampler.enable();
  }

  /** Folds what was sampled since the last call into the buckets. */
  collect(): void {
    const h = this.#sampler;
    const n = h.count;
    if (n > 0) {
      // percentiles: percentile → value (ns), ascending; the share at or under each bound.
      const points = [...h.percentiles.entries()].sort((a, b) => a[0] - b[0]);
      LOOP_DELAY_BUCKETS.forEach((le, i) => {
        let share = 0;
        for (const [p, v] of points) if (v / 1e9 <= le) share = p / 100;
        this.#counts[i]! += Math.round(share * n);
      });
      this.#count += n;
      this.#sum += (h.mean * n) / 1e9;
    }
    h.reset();
  }

  /** Text exposition format 0.0.4. */
  render(): string {
    this.collect();
    const lines = [`# HELP ${this.name} Event-loop delay (perf_hooks monitorEventLoopDelay, 10 ms sampling), cumulative.`, `# TYPE ${this.name} histogram`];
    LOOP_DELAY_BUCKETS.forEach((le, i) => lines.push(`${this.name}_bucket{le="${le}"} ${this.#counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`, `${this.name}_sum ${this.#sum}`, `${this.name}_count ${this.#count}`);
    return lines.join('\n') + '\n';
  }

  close(): void {
    this.#sampler.disable();
  }
}
