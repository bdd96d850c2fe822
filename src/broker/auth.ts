// CONNECT authentication: username = meter id, password = the meter's token.
import type { AedesOptions, AuthenticateError } from 'aedes';
import type { Logger } from 'pino';
import { METER_ID } from '../domain/wire.ts';
import type { Identities } from './identity.ts';

/** Implemented by the store. Synchronous so that a CONNECT costs no extra tick. */
export interface MeterAuthenticator {
  verify(meterId: string, password: string): 'ok' | 'unknown' | 'revoked' | 'bad-password';
}

// CONNACK return codes, MQTT 3.1.1 §3.2.2.3 (Table 3.1). Our own constants:
// aedes declares them as an ambient `const enum`, which has no runtime value.
export const CONNACK = {
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;

type Refusal = 'unknown' | 'revoked' | 'bad-password' | 'malformed' | 'verify-failed';

// Unknown meter and wrong token both answer 4, so a scanner cannot tell which
// meter ids exist. Revoked answers 5: the device is genuine but no longer
// allowed in, which is what a field engineer needs to see.
const returnCodeFor: Record<Refusal, number> = {
  malformed: CONNACK.BAD_USERNAME_OR_PASSWORD,
  unknown: CONNACK.BAD_USERNAME_OR_PASSWORD,
  'bad-password': CONNACK.BAD_USERNAME_OR_PASSWORD,
  revoked: CONNACK.NOT_AUTHORIZED,
  'verify-failed': CONNACK.SERVER_UNAVAILABLE,
};

function refusal(code: number, why: Refusal): AuthenticateError {
  const err = new Error(`connection refused: ${why}`) as AuthenticateError;
  err.returnCode = code as AuthenticateError['returnCode'];
  return err;
}

/** Log-safe rendering of an untrusted username: bounded, never the password. */
const shown = (s: string | undefined): string | undefined => (s === undefined ? s : s.slice(0, 64));

export function createAuthenticate(
  auth: MeterAuthenticator,
  identities: Identities,
  logger: Logger,
): NonNullable<AedesOptions['authenticate']> {
  return (client, username, password, done) => {
    const refuse = (why: Refusal) => {
      logger.warn({ meterId: shown(username), clientId: client.id, refusal: why }, 'mqtt connect refused');
      // [MQTT-3.2.2-5]: aedes sends the CONNACK with this code, then closes.
      done(refusal(returnCodeFor[why], why), false);
    };
    // Cheap shape checks before touching the store. A username that cannot
    // appear in a topic (wire.ts METER_ID) can never publish anything.
    if (username === undefined || !METER_ID.test(username) || password === undefined || password.length === 0) {
      return refuse('malformed');
    }
    let verdict: ReturnType<MeterAuthenticator['verify']>;
    try {
      verdict = auth.verify(username, password.toString('utf8'));
    } catch (err) {
      logger.error({ meterId: username, err }, 'meter authenticator threw');
      return refuse('verify-failed');
    }
    if (verdict !== 'ok') return refuse(verdict);
    identities.bind(client, username);
    done(null, true);
  };
}
