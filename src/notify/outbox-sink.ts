// Where the 'outbox' channel (no provider configured: the embedded default) puts a message. The
// row is already in SQLite (notifications, written before any send); this logs it, masked, so an
// operator running `npm start` without credentials sees what would have been sent.
import type { Logger } from 'pino';
import { recipientLabel } from './dispatcher.ts';
import { maskText } from './templates.ts';
import type { OutgoingMessage } from './types.ts';

export function loggingOutboxSink(logger: Logger, also?: (msg: OutgoingMessage) => void) {
  return (msg: OutgoingMessage): void => {
    logger.info({ channel: msg.channel, to: recipientLabel(msg.to), template: msg.template, text: maskText(msg.text, msg.params) }, 'outbox: message stored (no provider configured for this channel)');
    also?.(msg);
  };
}
