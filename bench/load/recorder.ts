// Receiver-side bookkeeping shared by both child processes (Anxin and aedes + empty handler):
// how many readings were handled inside each measurement window, and how long each reading
// sent inside a window took from the meter's `ts` (its send time) to the handler.
// Both clocks are Date.now() on the same machine, so the resolution is 1 ms.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface PhaseWindow {
  name: string;
  /** Epoch ms; the window is [from, to). */
  from: number;
  to: number;
  /** Also keep latency per `bucketMs` of send time (the overload bench's recovery). */
  bucketMs?: number;
}

/** Latency of the readings sent in one bucket of a window (ms from the window's start). */
export interface LatencyBucket {
  atMs: number;
  count: number;
  p99: number;
  max: number;
}

export interface PhaseResult {
  name: string;
  /** Readings handled while the window was open (throughput = handled / window). */
  handled: number;
  /** Readings whose send time fell in the window and that were handled (so far). */
  measured: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number } | null;
  timeline?: LatencyBucket[];
}

interface Phase extends PhaseWindow {
  handled: number;
  hist: RecordableHistogram;
  buckets?: RecordableHistogram[];
}

const newHist = () => createHistogram({ lowest: 1, highest: 600_000_000, figures: 3 });

export class Recorder {
  readonly #phases: Phase[] = [];
  total = 0;

  open(w: PhaseWindow): void {
    // Values are microseconds, 1 µs … 10 min.
    this.#phases.push({ ...w, handled: 0, hist: newHist(), ...(w.bucketMs ? { buckets: [] } : {}) });
  }

  /** One reading reached the handler at `now`; `sentAt` is its `ts`. */
  saw(sentAt: number, now: number): void {
    this.total++;
    // Only the last two windows can still be receiving: scanning from the end is O(1).
    for (let i = this.#phases.length - 1; i >= 0 && i >= this.#phases.length - 2; i--) {
      const p = this.#phases[i]!;
      if (now >= p.from && now < p.to) p.handled++;
      if (sentAt >= p.from && sentAt < p.to) {
        const us = Math.min(600_000_000, Math.max(1, (now - sentAt) * 1000));
        p.hist.record(us);
        if (p.buckets) (p.buckets[Math.floor((sentAt - p.from) / p.bucketMs!)] ??= newHist()).record(us);
      }
    }
  }

  result(name: string): PhaseResult | undefined {
    const p = this.#phases.find((x) => x.name === name);
    if (!p) return undefined;
    const h = p.hist;
    const ms = (q: number) => Math.round(h.percentile(q) / 10) / 100;
    return {
      name,
      handled: p.handled,
      measured: h.count,
      latencyMs: h.count ? { p50: ms(50), p90: ms(90), p99: ms(99), max: Math.round(h.max / 10) / 100 } : null,
      ...(p.buckets && {
        timeline: Array.from(p.buckets, (b, i) => ({ atMs: i * p.bucketMs!, count: b?.count ?? 0, p99: b ? Math.round(b.percentile(99) / 10) / 100 : 0, max: b ? Math.round(b.max / 10) / 100 : 0 })),
      }),
    };
  }
}

/** Anxin's pipeline depth and memory, for the overload scenario (overload.ts). */
export interface Depth {
  readings: number;
  bytes: number;
  paused: number;
  /** V8 heap used and external memory (Buffers), bytes. */
  heap: number;
  external: number;
}

/** Messages between the bench (parent) and a child process over the IPC channel. */
export type ToChild =
  | { type: 'open'; window: PhaseWindow }
  | { type: 'result'; name: string }
  | { type: 'total' }
  | { type: 'depth' }
  | { type: 'stop' };

export type FromChild =
  | { type: 'ready'; mqttPort: number; httpPort?: number; meters: { id: string; token: string }[]; provisionMs?: number; limits?: unknown }
  | { type: 'result'; result: PhaseResult | null }
  | { type: 'total'; total: number }
  | { type: 'depth'; depth: Depth | null }
  | { type: 'stopped' }
  | { type: 'fatal'; message: string };

/** Wires a child's IPC channel to a recorder; `stop` is the child's own teardown; `depth` (Anxin) its pipeline. */
export function serveParent(rec: Recorder, stop: () => Promise<void>, depth?: () => Depth): void {
  const send = (m: FromChild) => process.send?.(m);
  process.on('message', async (m: ToChild) => {
    if (m.type === 'open') rec.open(m.window);
    else if (m.type === 'result') send({ type: 'result', result: rec.result(m.name) ?? null });
    else if (m.type === 'total') send({ type: 'total', total: rec.total });
    else if (m.type === 'depth') send({ type: 'depth', depth: depth?.() ?? null });
    else if (m.type === 'stop') {
      await stop();
      send({ type: 'stopped' });
      process.disconnect?.();
      process.exit(0);
    }
  });
  // The bench died: do not linger holding 10,000 sockets.
  process.on('disconnect', () => process.exit(0));
}
