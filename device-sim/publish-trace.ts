// Replays a recorded trace to a live broker at a chosen speed, each meter on its own connection.
import { realScheduler, SimClock, type Scheduler } from './clock.ts';
import type { FleetMeter } from './fleet-config.ts';
import { connectAll, mqttConnector, type Connector, type MeterConnection } from './mqtt-connect.ts';
import { batchPayload, readingPayload, topicFor } from './payloads.ts';
import type { SimTraceLine } from './trace.ts';
import { traceMessages, type TraceMessage } from './trace-messages.ts';

export interface PublishTraceOptions {
  url: string;
  meters: readonly FleetMeter[];
  lines: readonly SimTraceLine[];
  /** Trace seconds per wall second, or 'max' to send as fast as the broker acknowledges. */
  speed: number | 'max';
  scheduler?: Scheduler;
  connector?: Connector;
  onError?: (meterId: string, err: Error) => void;
}

export interface TraceStats {
  messages: number;
  published: number;
  failed: number;
}

export interface TracePublication {
  /** Resolves when every message has been acknowledged (or failed). */
  done: Promise<TraceStats>;
  stop(): Promise<void>;
  stats(): TraceStats;
}

/** In 'max' mode, wait for acknowledgements past this many unacknowledged messages. */
const MAX_IN_FLIGHT = 1000;

export async function publishTrace(opts: PublishTraceOptions): Promise<TracePublication> {
  const messages = traceMessages(opts.lines);
  const inTrace = new Set(messages.map((m) => m.meterId));
  const known = new Map(opts.meters.map((m) => [m.meterId, m]));
  const missing = [...inTrace].filter((id) => !known.has(id));
  if (missing.length > 0) throw new RangeError(`expected a token for every meter in the trace, missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  const onError = opts.onError ?? (() => {});
  const conns = await connectAll([...inTrace].map((id) => known.get(id) as FleetMeter), opts.connector ?? mqttConnector(opts.url, { onError }));

  const stats: TraceStats = { messages: messages.length, published: 0, failed: 0 };
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let timer: unknown;
  const send = (m: TraceMessage) => {
    const conn = conns.get(m.meterId) as MeterConnection;
    const payload = m.kind === 'batch' ? batchPayload(m.readings.map((reading) => ({ reading }))) : readingPayload(m.readings[0]!);
    const p = conn
      .publish(topicFor(m.meterId, m.kind), payload)
      .then(() => void stats.published++)
      .catch((err: Error) => {
        stats.failed++;
        onError(m.meterId, err);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  let finish = () => {};
  const sent = new Promise<void>((resolve) => (finish = resolve));
  let i = 0;
  const scheduler = opts.scheduler ?? realScheduler;
  if (opts.speed === 'max') {
    void (async () => {
      for (; i < messages.length && !stopped; i++) {
        send(messages[i] as TraceMessage);
        if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      }
      finish();
    })();
  } else {
    const clock = new SimClock(scheduler, messages[0]?.arrival ?? 0, opts.speed);
    const tick = () => {
      // Send everything due (a burst if the timer fired late), then wait for the next arrival.
      while (i < messages.length && !stopped && (messages[i] as TraceMessage).arrival <= clock.now()) send(messages[i++] as TraceMessage);
      if (i >= messages.length || stopped) return finish();
      timer = clock.at((messages[i] as TraceMessage).arrival, tick);
    };
    tick();
  }

  const settle = async () => {
    await sent;
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  const done = settle().then(async () => {
    await Promise.allSettled([...conns.values()].map((c) => c.close()));
    return { ...stats };
  });
  return {
    done,
    stats: () => ({ ...stats }),
    stop: async () => {
      stopped = true;
      if (timer !== undefined) scheduler.clearTimeout(timer);
      finish();
      await Promise.allSettled([...conns.values()].map((c) => c.close()));
    },
  };
}
