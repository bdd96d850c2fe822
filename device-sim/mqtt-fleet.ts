// A fleet of virtual meters on a live broker: one real MQTT connection per meter, simulated
// time running `speed` times faster than wall time, scenarios injected on demand.
import type { LabelledEvent, LabelledNormal } from '../eval/labels.ts';
import { realScheduler, SimClock, type Scheduler } from './clock.ts';
import type { FleetMeter, FleetScenario } from './fleet-config.ts';
import { CADENCES, type Cadence } from './meter.ts';
import { simulateMeter, type MeterSim } from './meter-sim.ts';
import { connectAll, mqttConnector, type Connector } from './mqtt-connect.ts';
import { ARCHETYPES, makeProfile, type Archetype } from './profile.ts';
import { hashSeed, Rng } from './rng.ts';
import { resolveScenario } from './scenarios.ts';
import { DAY, iso, MINUTE } from './sim-time.ts';
import { VirtualMeter, type FleetCounters } from './virtual-meter.ts';

export interface FleetOptions {
  url: string;
  meters: readonly FleetMeter[];
  /** Simulated seconds per wall second (60: an hour per minute). */
  speed: number;
  /** Simulated time at start, epoch ms. Default: the scheduler's now. */
  startAt?: number;
  seed?: number;
  scenarios?: readonly FleetScenario[];
  /** Days of history sent at start (as batches) so a detector has a routine to learn. Default 0. */
  historyDays?: number;
  /** Cadence of meters that do not name one. Default 'mix' (chosen per meter from its id). */
  defaultCadence?: Cadence | 'mix';
  /** Share of reports followed by a malformed message. Default 0. */
  badPayloadRate?: number;
  /** Share of reports re-sent a few minutes later with the same content. Default 0. */
  duplicateRate?: number;
  scheduler?: Scheduler;
  /** Seam for tests or other transports; default: mqtt.js to `url`. */
  connector?: Connector;
  connectConcurrency?: number;
  onError?: (meterId: string, err: Error) => void;
}

export interface FleetStats extends FleetCounters {
  meters: number;
  simNow: string;
  inFlight: number;
}

export interface Fleet {
  stop(): Promise<void>;
  stats(): FleetStats;
  simNow(): number;
  /** Ground truth of the injected scenarios and the normal periods so far. */
  labels(): { events: LabelledEvent[]; normals: LabelledNormal[] };
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const scheduler = opts.scheduler ?? realScheduler;
  const startAt = opts.startAt ?? scheduler.now();
  const seed = opts.seed ?? 1;
  const from = startAt - (opts.historyDays ?? 0) * DAY;
  for (const s of opts.scenarios ?? []) {
    if (!opts.meters.some((m) => m.meterId === s.meterId)) throw new RangeError(`scenario ${s.name}: expected a fleet meter, got "${s.meterId}"`);
  }
  const onError = opts.onError ?? (() => {});
  const connector = opts.connector ?? mqttConnector(opts.url, { onError });
  const conns = await connectAll(opts.meters, connector, opts.connectConcurrency);

  const clock = new SimClock(scheduler, startAt, opts.speed);
  const counters: FleetCounters = { reports: 0, readings: 0, published: 0, failed: 0, badPayloads: 0, resends: 0, backfilled: 0 };
  const sims: MeterSim[] = [];
  const meters = opts.meters.map((m) => {
    const h = hashSeed(seed, m.meterId);
    const rng = new Rng(h);
    const cadence = m.cadence ?? pickCadence(opts.defaultCadence ?? 'mix', h);
    const archetype: Archetype = m.profile ?? (ARCHETYPES[h % ARCHETYPES.length] as Archetype);
    const scenarios = (opts.scenarios ?? []).filter((s) => s.meterId === m.meterId).map((s) => resolveScenario(s, rng));
    if (opts.duplicateRate) {
      scenarios.push({ spec: { name: 'duplicates', at: startAt, durationMs: 100 * 365 * DAY }, flow: [], faults: [{ kind: 'duplicates', from: startAt, to: Infinity, share: opts.duplicateRate }] });
    }
    const sim = simulateMeter({ meterId: m.meterId, profile: makeProfile(archetype, rng.fork('profile')), seed: h, cadence, from, scenarios });
    sims.push(sim);
    return new VirtualMeter(sim, conns.get(m.meterId)!, clock, {
      cadence, from, startAt, badPayloadRate: opts.badPayloadRate ?? 0, battery: rng.int(55, 100), rng: rng.fork('bad'), counters,
      onError: (err) => onError(m.meterId, err),
    });
  });
  for (const m of meters) m.start();

  return {
    simNow: () => clock.now(),
    stats: () => ({ ...counters, meters: meters.length, simNow: iso(Math.floor(clock.now() / MINUTE) * MINUTE), inFlight: meters.reduce((n, m) => n + m.inFlight.size, 0) }),
    labels: () => ({ events: sims.flatMap((s) => s.events), normals: sims.flatMap((s) => s.normals) }),
    stop: async () => {
      for (const m of meters) m.stop();
      // Closing waits for PUBACKs of what is in flight (QoS 1), then any stragglers settle.
      await Promise.allSettled([...conns.values()].map((c) => c.close()));
      await Promise.allSettled(meters.flatMap((m) => [...m.inFlight]));
    },
  };
}

function pickCadence(choice: Cadence | 'mix', hash: number): Cadence {
  if (choice !== 'mix') return choice;
  const x = (hashSeed(hash, 'cadence') % 10) / 10; // same shares as datasets: 30% 1-min, 40% 15-min, 30% hourly batch
  return x < 0.3 ? CADENCES[0] : x < 0.7 ? CADENCES[1] : CADENCES[2];
}
