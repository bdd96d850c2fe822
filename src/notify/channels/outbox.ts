// The channel used when no provider is configured (the embedded default): the message is handed to a
// sink that the pipeline owns (stored in SQLite and logged with phone numbers masked).
import type { ChannelKind, Notifier, OutgoingMessage } from '../types.ts';

export type OutboxSink = (msg: OutgoingMessage) => void | Promise<void>;

/**
 * `kind` is the channel it stands in for ('sms' with no SMS provider), so the pipeline's per-kind
 * bookkeeping stays the same; `provider` is always 'outbox'.
 */
export function createOutboxChannel(sink: OutboxSink, kind: ChannelKind = 'outbox'): Notifier {
  return {
    kind,
    provider: 'outbox',
    async send(msg, signal) {
      if (signal.aborted) return { ok: false, retryable: true, code: 'timeout', message: 'aborted before the outbox stored it' };
      try {
        await sink(msg);
        return { ok: true, providerMessageId: `outbox:${msg.idempotencyKey}` };
      } catch (err) {
        // The sink is our own storage: a failure there (disk full, locked) is worth retrying.
        return { ok: false, retryable: true, code: 'outbox-sink', message: (err as Error).message };
      }
    },
  };
}
