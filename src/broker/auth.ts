// CONNECT authentication: username = meter id, password = the meter's token.
import type { AedesOptions, AuthenticateError, Client } from 'aedes';
import type { Logger } from 'pino';
import { METER_ID } from '../domain/wire.ts';
import type { AuthBackoff } from './auth-backoff.ts';
import type { Identities } from './identity.ts';

export type Verdict = 'ok' | 'unknown' | 'revoked' | 'bad-password';

/** Implemented by the store (verifyAsync: scrypt off the event loop, verified tokens cached). */
export interface MeterAuthenticator {
  verify(meterId: string, password: string): Verdict | Promise<Verdict>;
  /** Cache only, no hashing: lets a known-good token in while its meter id is locked out. */
  verifyCached?(meterId: string, password: string): Verdict | undefined;
}

export interface AuthDeps {
  backoff?: AuthBackoff;
  /** Holds a refusal CONNACK; injectable so tests need not wait. */
  delay?: (ms: number, fn: () => void) => void;
  /** Called once a socket's meter is authenticated (admission stops counting it). */
  onAuthenticated?: (client: Client) => void;
  onRefused?: (why: Refusal) => void;
}

const defaultDelay = (ms: number, fn: () => void) => {
  if (ms <= 0) return fn();
  setTimeout(fn, ms).unref();
};

// CONNACK return codes, MQTT 3.1.1 §3.2.2.3 (Table 3.1). Our own constants:
// aedes declares them as an ambient `const enum`, which has no runtime value.
export const CONNACK = {
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;

export type Refusal = 'unknown' | 'revoked' | 'bad-password' | 'malformed' | 'verify-failed' | 'locked-out';

// Unknown meter and wrong token both answer 4, so a scanner cannot tell which
// meter ids exist. Revoked answers 5: the device is genuine but no longer
// allowed in, which is what a field engineer needs to see.
const returnCodeFor: Record<Refusal, number> = {
  malformed: CONNACK.BAD_USERNAME_OR_PASSWORD,
  unknown: CONNACK.BAD_USERNAME_OR_PASSWORD,
  'bad-password': CONNACK.BAD_USERNAME_OR_PASSWORD,
  revoked: CONNACK.NOT_AUTHORIZED,
  'verify-failed': CONNACK.SERVER_UNAVAILABLE,
  // Temporary: "the Network Connection has been made but the MQTT service is unavailable"
  // (§3.2.2.3) tells a genuine device to retry later rather than that its token is wrong.
  'locked-out': CONNACK.SERVER_UNAVAILABLE,
};

function refusal(code: number, why: Refusal): AuthenticateError {
  const err = new Error(`connection refused: ${why}`) as AuthenticateError;
  err.returnCode = code as AuthenticateError['returnCode'];
  return err;
}

export function createAuthenticate(
  auth: MeterAuthenticator,
  identities: Identities,
  logger: Logger,
  deps: AuthDeps = {},
): NonNullable<AedesOptions['authenticate']> {
  const delay = deps.delay ?? defaultDelay;
  return (client, username, password, done) => {
    const address = client.conn && 'remoteAddress' in client.conn ? String((client.conn as { remoteAddress?: string }).remoteAddress) : '?';
    const claimed = username !== undefined && METER_ID.test(username) ? username : '';
    const refuse = (why: Refusal, holdMs = 0) => {
      // Never the password — and the username only once the store knows it as a meter
      // (bad-password, revoked): a token typed into the username field has the shape of
      // a meter id, and it must not end up in the log (issue 11.8). The client id is
      // scoped by the username (identity.ts), so it is held back too.
      const known = why === 'bad-password' || why === 'revoked';
      logger.warn({ meterId: known ? claimed : undefined, clientId: known ? client.id : undefined, usernameLength: username?.length, address, refusal: why, holdMs }, 'mqtt connect refused');
      deps.onRefused?.(why);
      // [MQTT-3.2.2-5]: aedes sends the CONNACK with this code, then closes.
      delay(holdMs, () => done(refusal(returnCodeFor[why], why), false));
    };
    const failed = (why: Refusal) => refuse(why, deps.backoff?.failed(claimed, address) ?? 0);
    const accept = (meterId: string) => {
      deps.backoff?.succeeded(meterId);
      identities.bind(client, meterId);
      deps.onAuthenticated?.(client);
      done(null, true);
    };
    // Cheap shape checks before touching the store. A username that cannot
    // appear in a topic (wire.ts METER_ID) can never publish anything.
    if (!claimed || password === undefined || password.length === 0) return failed('malformed');
    const token = password.toString('utf8');

    const lock = deps.backoff?.check(claimed, address);
    if (lock?.locked) {
      // No hashing while locked out; a token verified before still passes on its HMAC.
      const cached = auth.verifyCached?.(claimed, token);
      if (cached === 'ok') return accept(claimed);
      return refuse('locked-out');
    }

    let verdict: Verdict | Promise<Verdict>;
    try {
      verdict = auth.verify(claimed, token);
    } catch (err) {
      logger.error({ meterId: claimed, err }, 'meter authenticator threw');
      return refuse('verify-failed');
    }
    const decide = (v: Verdict) => (v === 'ok' ? accept(claimed) : failed(v));
    if (typeof verdict === 'string') return decide(verdict);
    verdict.then(decide, (err: unknown) => {
      logger.error({ meterId: claimed, err }, 'meter authenticator failed');
      refuse('verify-failed');
    });
  };
}
