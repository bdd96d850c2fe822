// The path from one authorized MQTT publish to the core:
// validate → consent gate → dedupe → hand off. Never throws: the broker calls
// this from its `published` hook, and a throw there must not cost a meter its
// connection or the broker its other clients.
import { pino, type Logger } from 'pino';
import { RecentReadings, type DedupeOptions } from './dedupe.ts';
import type { DeadLetter, IngestSinks } from './ports.ts';
import { DEFAULT_PLAUSIBILITY, parseMessage, type Plausibility, type RejectCode } from './validate.ts';

export interface IngestDeps extends IngestSinks {
  logger?: Logger;
  plausibility?: Plausibility;
  dedupe?: Partial<DedupeOptions>;
}

export type IngestOutcome =
  | { status: 'accepted'; accepted: number; duplicates: number }
  | { status: 'rejected'; code: RejectCode | 'internal-error'; reason: string }
  | { status: 'no-consent' };

export type IngestHandler = (meterId: string, topic: string, payload: Buffer | string, receivedAt: number) => IngestOutcome;

/** Dead letters are for people to read and replay; a runaway payload must not fill the store. */
export const MAX_DEAD_LETTER_PAYLOAD = 1 << 20;

export function createIngest(deps: IngestDeps): { handle: IngestHandler } {
  const logger = (deps.logger ?? pino({ enabled: false })).child({ component: 'ingest' });
  const plausibility = deps.plausibility ?? DEFAULT_PLAUSIBILITY;
  const recent = new RecentReadings(deps.dedupe);

  function deadLetter(x: DeadLetter): void {
    const payload =
      x.payload.length > MAX_DEAD_LETTER_PAYLOAD
        ? `${x.payload.slice(0, MAX_DEAD_LETTER_PAYLOAD)}…[truncated from ${x.payload.length} chars]`
        : x.payload;
    deps.deadLetters.add({ ...x, payload });
  }

  function ingestOne(meterId: string, topic: string, payload: string, receivedAt: number): IngestOutcome {
    const parsed = parseMessage(meterId, topic, payload, receivedAt, plausibility);

    // Consent first among the side effects: data of a household that has not
    // consented is neither processed nor kept, not even as a dead letter.
    if (!deps.isProcessingAllowed(meterId)) {
      deps.counters.rejected('no-consent', parsed.ok && parsed.kind === 'readings' ? parsed.readings.length : 1);
      logger.debug({ meterId, topic }, 'dropped: no consent');
      return { status: 'no-consent' };
    }

    if (!parsed.ok) {
      deadLetter({ topic, meterId, payload, reason: parsed.reason, receivedAt });
      deps.counters.rejected(parsed.code, 1);
      logger.warn({ meterId, topic, code: parsed.code, reason: parsed.reason }, 'message rejected');
      return { status: 'rejected', code: parsed.code, reason: parsed.reason };
    }

    if (parsed.kind === 'status') {
      deps.onStatus(parsed.status);
      deps.counters.accepted(1);
      return { status: 'accepted', accepted: 1, duplicates: 0 };
    }

    const { fresh, duplicates } = recent.unseen(parsed.readings);
    if (duplicates > 0) {
      deps.counters.duplicate(duplicates);
      logger.debug({ meterId, duplicates }, 'duplicate readings dropped');
    }
    if (fresh.length > 0) {
      deps.onReadings(fresh);
      // Only after a successful hand-off: a reading lost to a throw above is
      // dead-lettered and must not be taken for a duplicate when replayed.
      recent.remember(fresh);
      deps.counters.accepted(fresh.length);
    }
    return { status: 'accepted', accepted: fresh.length, duplicates };
  }

  function handle(meterId: string, topic: string, payload: Buffer | string, receivedAt: number): IngestOutcome {
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    try {
      return ingestOne(meterId, topic, text, receivedAt);
    } catch (err) {
      logger.error({ meterId, topic, err }, 'internal error in ingest');
      try {
        deadLetter({ topic, meterId, payload: text, reason: 'internal error', receivedAt });
        deps.counters.rejected('internal-error', 1);
      } catch (sinkErr) {
        logger.error({ meterId, topic, err: sinkErr }, 'dead-letter sink failed; message lost');
      }
      return { status: 'rejected', code: 'internal-error', reason: 'internal error' };
    }
  }

  return { handle };
}
