// Topic permissions. Meters are publish-only and each may write only under its
// own id; nothing in the system subscribes over MQTT (design.md: ingest takes
// packets from the `published` hook, not from a subscription).
import type { AedesOptions } from 'aedes';
import type { Logger } from 'pino';
import { topicKindFor } from '../domain/wire.ts';
import type { Identities } from './identity.ts';

/** Pure rule: may `meterId` publish to `topic`? */
export function mayPublish(meterId: string, topic: string): boolean {
  // Replacing aedes' default authorizePublish drops its `$SYS` guard, so keep
  // it: `$` topics belong to the server [MQTT-4.7.2-1].
  // (topicKindFor is parseTopic's verdict for this meter without splitting the topic: this
  // runs for every publish. A `$` topic never starts with "meters/".)
  return topicKindFor(topic, meterId) !== null;
}

export function createAuthorizePublish(
  identities: Identities,
  logger: Logger,
): NonNullable<AedesOptions['authorizePublish']> {
  return (client, packet, done) => {
    const meterId = identities.of(client);
    // client is null only for wills of a dead broker instance; there is none
    // here, and an identity-less publish has no one to be attributed to.
    if (meterId === undefined || !mayPublish(meterId, packet.topic)) {
      logger.warn({ meterId, clientId: client?.id, topic: packet.topic.slice(0, 200) }, 'mqtt publish refused');
      // MQTT 3.1.1 has no negative PUBACK; aedes closes the connection on this
      // error, which is the right answer to a permission violation. Payload
      // problems are NOT decided here: they go to the dead-letter sink in ingest.
      return done(new Error('publish not authorized'));
    }
    // Deliberately not storing retained messages [MQTT-3.3.1-5]: nobody
    // subscribes, and a retained batch (up to ~0.5 MB) per topic per meter
    // would only hold memory.
    packet.retain = false;
    done(null);
  };
}

/** A meter's refused subscriptions are logged at most this often, as one line with a count. */
export const SUBSCRIBE_LOG_EVERY_MS = 10_000;
/** Topic filters quoted in that line (each cut at 200 characters). */
const QUOTED_FILTERS = 3;

/**
 * Meters may not subscribe: every topic filter is refused. aedes asks once per filter, and one
 * SUBSCRIBE may carry tens of thousands (20,000 in a 140 KB packet wrote 20,000 warn lines,
 * 3.5 MB: a 25× amplification a meter could repeat at line rate). So refusals are counted per
 * client and logged as one line — the count and the first few filters — at the end of the
 * turn that refused them (a packet's filters are asked about together), then at most once per
 * SUBSCRIBE_LOG_EVERY_MS for that client, whatever it keeps sending.
 */
export function createAuthorizeSubscribe(
  identities: Identities,
  logger: Logger,
  now: () => number = Date.now,
): NonNullable<AedesOptions['authorizeSubscribe']> {
  interface Pending { refused: number; topics: string[] }
  // Per client object: gone with the client (WeakMap), no cleanup on disconnect needed.
  const pending = new WeakMap<object, Pending>();
  const lastLogged = new WeakMap<object, number>();

  const flush = (client: Parameters<NonNullable<AedesOptions['authorizeSubscribe']>>[0]) => {
    const p = pending.get(client);
    if (!p) return;
    pending.delete(client);
    lastLogged.set(client, now());
    logger.warn({ meterId: identities.of(client), clientId: client.id, refused: p.refused, topics: p.topics }, 'mqtt subscribe refused');
  };

  return (client, sub, done) => {
    let p = pending.get(client);
    if (!p) {
      pending.set(client, (p = { refused: 0, topics: [] }));
      const wait = (lastLogged.get(client) ?? -Infinity) + SUBSCRIBE_LOG_EVERY_MS - now();
      if (wait > 0) setTimeout(() => flush(client), wait).unref();
      else setImmediate(() => flush(client));
    }
    p.refused++;
    if (p.topics.length < QUOTED_FILTERS) p.topics.push(sub.topic.slice(0, 200));
    // A null grant makes aedes answer 0x80 (Failure) for this topic in the
    // SUBACK [MQTT-3.9.3] and keep the connection: refusal without a disconnect.
    done(null, null);
  };
}
