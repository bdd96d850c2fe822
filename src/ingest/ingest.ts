// The path from one authorized MQTT publish to the core:
// validate → consent gate → dedupe → hand off. Never throws: the broker calls
// this from its `published` hook, and a throw there must not cost a meter its
// connection or the broker its other clients.
//
// Issue 11.3: validating and deduplicating a 5,000-reading batch took 20–40 ms in one
// turn. The work is a generator of steps (parseSteps, unseenSteps: pure, a few hundred
// readings each); `handle` runs them all at once (tests, small messages), `handleSliced`
// runs one step per task given to `defer` (the service's cooperative queue), so other
// sockets and /health get turns between them. A meter's readings keep their order: the
// caller does not start the meter's next message before this one's promise settles.
import { pino, type Logger } from 'pino';
import { RecentReadings, type DedupeOptions } from './dedupe.ts';
import type { DeadLetter, IngestSinks } from './ports.ts';
import { DEFAULT_PLAUSIBILITY, PARSE_SLICE, parseSteps, type Plausibility, type RejectCode } from './validate.ts';

export interface IngestDeps extends IngestSinks {
  logger?: Logger;
  plausibility?: Plausibility;
  dedupe?: Partial<DedupeOptions>;
  /** Readings validated, or deduplicated, per step of `handleSliced` (default 250). */
  sliceReadings?: number;
}

/** Runs `task` in a later turn of the event loop (after work already queued). */
export type Defer = (task: () => void) => void;

export type IngestOutcome =
  /** `rejected`: readings of the batch dead-lettered one by one (present when any were). */
  | { status: 'accepted'; accepted: number; duplicates: number; rejected?: number }
  | { status: 'rejected'; code: RejectCode | 'internal-error'; reason: string }
  | { status: 'no-consent' };

export type IngestHandler = (meterId: string, topic: string, payload: Buffer | string, receivedAt: number) => IngestOutcome;

/** Dead letters are for people to read and replay; a runaway payload must not fill the store. */
export const MAX_DEAD_LETTER_PAYLOAD = 1 << 20;

export interface Ingest {
  /** One message, start to end in this turn. */
  handle: IngestHandler;
  /**
   * One message, a slice per turn: the first slice now, the others through `defer`. Returns
   * the outcome when it all fit in the first slice, else a promise of it (never rejected),
   * settled once its readings were handed on.
   */
  handleSliced(meterId: string, topic: string, payload: Buffer | string, receivedAt: number, defer: Defer): IngestOutcome | Promise<IngestOutcome>;
}

export function createIngest(deps: IngestDeps): Ingest {
  const logger = (deps.logger ?? pino({ enabled: false })).child({ component: 'ingest' });
  const plausibility = deps.plausibility ?? DEFAULT_PLAUSIBILITY;
  const recent = new RecentReadings(deps.dedupe);
  const slice = deps.sliceReadings ?? PARSE_SLICE;

  function deadLetter(x: DeadLetter): void {
    const payload =
      x.payload.length > MAX_DEAD_LETTER_PAYLOAD
        ? `${x.payload.slice(0, MAX_DEAD_LETTER_PAYLOAD)}…[truncated from ${x.payload.length} chars]`
        : x.payload;
    deps.deadLetters.add({ ...x, payload });
  }

  function* ingestSteps(meterId: string, topic: string, payload: string, receivedAt: number): Generator<number, IngestOutcome, void> {
    const parsed = yield* parseSteps(meterId, topic, payload, receivedAt, plausibility, slice);

    // Consent first among the side effects: data of a household that has not
    // consented is neither processed nor kept, not even as a dead letter.
    if (!deps.isProcessingAllowed(meterId)) {
      deps.counters.rejected('no-consent', parsed.ok && parsed.kind === 'readings' ? parsed.readings.length : 1);
      logger.debug({ meterId, topic }, 'dropped: no consent');
      return { status: 'no-consent' };
    }

    if (!parsed.ok) {
      deadLetter({ topic, meterId, payload, reason: parsed.reason, receivedAt });
      deps.counters.rejected(parsed.code, parsed.readings ?? 1);
      logger.warn({ meterId, topic, code: parsed.code, reason: parsed.reason }, 'message rejected');
      return { status: 'rejected', code: parsed.code, reason: parsed.reason };
    }

    if (parsed.kind === 'status') {
      deps.onStatus(parsed.status);
      deps.counters.accepted(1);
      return { status: 'accepted', accepted: 1, duplicates: 0 };
    }

    // A batch's bad readings: kept (a batch of just them, to replay) and counted, the rest go on.
    let rejected = 0;
    for (const part of parsed.rejected ?? []) {
      deadLetter({ topic, meterId, payload: part.payload, reason: part.reason, receivedAt });
      deps.counters.rejected(part.code, part.count);
      logger.warn({ meterId, topic, code: part.code, reason: part.reason }, 'readings rejected');
      rejected += part.count;
    }

    const { fresh, duplicates } = yield* recent.unseenSteps(parsed.readings, slice);
    if (duplicates > 0) {
      deps.counters.duplicate(duplicates);
      logger.debug({ meterId, duplicates }, 'duplicate readings dropped');
    }
    if (fresh.length > 0) {
      deps.onReadings(fresh, topic);
      // Only after a successful hand-off: a reading lost to a throw above is
      // dead-lettered and must not be taken for a duplicate when replayed.
      recent.remember(fresh);
      deps.counters.accepted(fresh.length);
    }
    return rejected > 0 ? { status: 'accepted', accepted: fresh.length, duplicates, rejected } : { status: 'accepted', accepted: fresh.length, duplicates };
  }

  function internalError(meterId: string, topic: string, text: string, receivedAt: number, err: unknown): IngestOutcome {
    logger.error({ meterId, topic, err }, 'internal error in ingest');
    try {
      deadLetter({ topic, meterId, payload: text, reason: 'internal error', receivedAt });
      deps.counters.rejected('internal-error', 1);
    } catch (sinkErr) {
      logger.error({ meterId, topic, err: sinkErr }, 'dead-letter sink failed; message lost');
    }
    return { status: 'rejected', code: 'internal-error', reason: 'internal error' };
  }

  /** The message's steps, one per call of the returned function: its outcome once done. */
  function stepper(meterId: string, topic: string, payload: Buffer | string, receivedAt: number): () => IngestOutcome | undefined {
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    let steps: Generator<number, IngestOutcome, void> | undefined;
    return () => {
      try {
        steps ??= ingestSteps(meterId, topic, text, receivedAt);
        const s = steps.next();
        return s.done ? s.value : undefined;
      } catch (err) {
        return internalError(meterId, topic, text, receivedAt, err);
      }
    };
  }

  function handle(meterId: string, topic: string, payload: Buffer | string, receivedAt: number): IngestOutcome {
    const step = stepper(meterId, topic, payload, receivedAt);
    for (;;) {
      const out = step();
      if (out) return out;
    }
  }

  function handleSliced(meterId: string, topic: string, payload: Buffer | string, receivedAt: number, defer: Defer): IngestOutcome | Promise<IngestOutcome> {
    const step = stepper(meterId, topic, payload, receivedAt);
    const first = step();
    if (first) return first;
    return new Promise((resolve) => {
      const next = () => {
        const out = step();
        if (out) resolve(out);
        else defer(next);
      };
      defer(next);
    });
  }

  return { handle, handleSliced };
}
