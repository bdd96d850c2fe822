// Process and Node runtime metrics (CPU, memory, heap spaces, event-loop lag, GC, handles)
// from prom-client's default collectors, the names operators' dashboards for Node expect
// (https://github.com/siimon/prom-client#default-metrics). One registry per process: the
// collectors hook perf_hooks (event-loop delay histogram, GC observer) and need no repeats.
import client from 'prom-client';
import { LoopDelayHistogram } from './loop-delay.ts';

let runtime: client.Registry | undefined;
// …plus the event-loop delay as a cumulative histogram, which the collectors lack (loop-delay.ts).
let loopDelay: LoopDelayHistogram | undefined;

export function runtimeRegistry(): client.Registry {
  if (!runtime) {
    runtime = new client.Registry();
    client.collectDefaultMetrics({ register: runtime, eventLoopMonitoringPrecision: 10 });
  }
  return runtime;
}

/** The runtime metrics in the text exposition format 0.0.4. */
export async function renderRuntime(): Promise<string> {
  loopDelay ??= new LoopDelayHistogram();
  return (await runtimeRegistry().metrics()) + loopDelay.render();
}
