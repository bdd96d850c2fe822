// The overload scenario (issue 12.3): offer 2× the QoS 1 maximum measured just before, in
// the same run, for a while; then drop to a light load and see how soon the system is back
// to normal. Reported: the delivered rate as a fraction of the maximum (target ≥ 80 %), the
// RSS while overloaded (bounded), and the recovery time (target ≤ 5 s): until the service's
// queue is back to ~0 with no socket paused (Anxin's pipeline, over IPC) and the reading-to-detector
// latency of readings sent after the drop is back to normal.
//
// The meters behave like QoS 1 devices: each leaves at most `cap` publishes unacknowledged
// and keeps what it cannot send (counted as held back), so pushback reaches them through
// delayed PUBACKs and paused sockets instead of piling up in the generator without bound.
import type { Generator, PhasePlan, RunStats } from './generator.ts';
import type { LatencyBucket, PhaseResult } from './recorder.ts';
import type { Target } from './target.ts';

export interface OverloadOptions {
  seconds: number;
  warmupSeconds: number;
  recoverySeconds: number;
  /** Light load after the drop, as a fraction of the maximum. */
  recoveryShare: number;
  cap: number;
  drainSeconds: number;
}

export interface QueueSample {
  atMs: number;
  readings: number;
  bytes: number;
  paused: number;
}

export interface OverloadReport {
  maxRate: number;
  offered: number;
  windowSec: number;
  sentRate: number;
  delivered: number;
  deliveredShare: number;
  latencyMs: PhaseResult['latencyMs'];
  gen: RunStats;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  /** From Anxin (over IPC, what /metrics shows): the deepest queue, most sockets paused, and where the memory was (V8 heap used, external = Buffers). */
  queue: { maxReadings: number; maxBytes: number; maxPaused: number; maxHeapMiB: number; maxExternalMiB: number } | null;
  recovery: { rate: number; normalMs: number; queueMs: number | null; latencyMs: number | null; ms: number | null; timeline: LatencyBucket[] };
  /** Queue depth polled every ~100 ms from the drop on (ms after the drop). */
  queueAfterDrop: QueueSample[];
}

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** "~0": a few readings in their group commit are normal at any load. */
const QUEUE_IDLE = 100;


/** From which point on every sample is fine: that point (ms), or null if the last one is not. */
function settledFrom<T>(xs: T[], ok: (x: T) => boolean, at: (x: T, i: number) => number): number | null {
  if (xs.length === 0 || !ok(xs[xs.length - 1]!)) return null;
  let i = xs.length - 1;
  while (i > 0 && ok(xs[i - 1]!)) i--;
  return at(xs[i]!, i);
}

export async function runOverload(o: OverloadOptions, target: Target, gen: Generator, window: number, httpPort: number | undefined, maxRate: number, normalMs: number, sentBefore: number): Promise<OverloadReport> {
  const offered = Math.round(2 * maxRate);
  const rate = Math.max(1, Math.round(o.recoveryShare * maxRate));
  const start = Date.now() + 300;
  const windowFrom = start + o.warmupSeconds * 1000;
  const dropAt = windowFrom + o.seconds * 1000;
  const stopAt = dropAt + o.recoverySeconds * 1000;
  const plan: PhasePlan = { name: 'qos1-overload', qos: 1, mode: 'rate', rate: offered, window, start, windowFrom, windowTo: dropAt, stopAt, drainUntil: stopAt + o.drainSeconds * 1000, cap: o.cap, dropAt, rateAfter: rate };
  target.open({ name: 'qos1-overload', from: windowFrom, to: dropAt });
  target.open({ name: 'qos1-recovery', from: dropAt, to: stopAt, bucketMs: 250 });

  // RSS and queue depth, polled by this (idle) main thread while the generator runs.
  const rssBefore = target.proc().rssBytes;
  let rssPeak = rssBefore;
  const seen: { queue: OverloadReport['queue'] } = { queue: null };
  const afterDrop: QueueSample[] = [];
  let polling = true;
  const poll = (async () => {
    while (polling && Date.now() < stopAt) {
      rssPeak = Math.max(rssPeak, target.proc().rssBytes);
      // Over IPC (service.ts says why not /metrics); no answer in 2 s counts as not recovered.
      const d = httpPort ? await target.depth() : null;
      const t = Date.now();
      if (d) {
        const q = seen.queue;
        seen.queue = {
          maxReadings: Math.max(q?.maxReadings ?? 0, d.readings),
          maxBytes: Math.max(q?.maxBytes ?? 0, d.bytes),
          maxPaused: Math.max(q?.maxPaused ?? 0, d.paused),
          maxHeapMiB: Math.max(q?.maxHeapMiB ?? 0, d.heap / MiB),
          maxExternalMiB: Math.max(q?.maxExternalMiB ?? 0, d.external / MiB),
        };
      }
      if (httpPort && t >= dropAt) afterDrop.push({ atMs: t - dropAt, ...(d ? { readings: d.readings, bytes: d.bytes, paused: d.paused } : { readings: Infinity, bytes: Infinity, paused: Infinity }) });
      await sleep(100);
    }
  })();
  const stats = await gen.run(plan);
  polling = false;
  await poll;
  await target.drain(sentBefore + stats.sent, Date.now() + o.drainSeconds * 1000);
  const over = await target.result('qos1-overload');
  const rec = await target.result('qos1-recovery');
  const timeline = rec?.timeline ?? [];
  const queueMs = httpPort ? settledFrom(afterDrop, (s) => s.readings <= QUEUE_IDLE && s.paused === 0, (s) => s.atMs) : null;
  const latencyMs = settledFrom(timeline, (b) => b.count > 0 && b.p99 <= normalMs, (b) => b.atMs);
  const delivered = (over?.handled ?? 0) / o.seconds;
  return {
    maxRate,
    offered,
    windowSec: o.seconds,
    sentRate: stats.sentInWindow / o.seconds,
    delivered,
    deliveredShare: maxRate > 0 ? delivered / maxRate : 0,
    latencyMs: over?.latencyMs ?? null,
    gen: stats,
    rssBeforeMiB: rssBefore / MiB,
    rssPeakMiB: rssPeak / MiB,
    queue: seen.queue,
    recovery: { rate, normalMs, queueMs, latencyMs, ms: latencyMs === null || (httpPort && queueMs === null) ? null : Math.max(latencyMs, queueMs ?? 0), timeline },
    queueAfterDrop: afterDrop,
  };
}
