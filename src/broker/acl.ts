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

export function createAuthorizeSubscribe(
  identities: Identities,
  logger: Logger,
): NonNullable<AedesOptions['authorizeSubscribe']> {
  return (client, sub, done) => {
    logger.warn({ meterId: identities.of(client), clientId: client.id, topic: sub.topic.slice(0, 200) }, 'mqtt subscribe refused');
    // A null grant makes aedes answer 0x80 (Failure) for this topic in the
    // SUBACK [MQTT-3.9.3] and keep the connection: refusal without a disconnect.
    done(null, null);
  };
}
