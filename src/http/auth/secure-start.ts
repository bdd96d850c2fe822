// Secure by default (issue 11.4): the service does not start where it would serve personal data
// to the network without authentication, and the first start on this machine creates the first
// administrator instead of running open.
import { readFileSync } from 'node:fs';
import type { Store } from '../../store/index.ts';
import { generatePassword } from '../../store/password.ts';
import type { TlsConfig } from './config.ts';

/** Addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export class InsecureStartError extends Error {
  override name = 'InsecureStartError';
}

export function assertSecureBinding(http: { host: string; apiToken?: unknown }, store: Pick<Store, 'users'>): void {
  if (isLoopbackHost(http.host) || http.apiToken !== undefined || store.users.countActive() > 0) return;
  throw new InsecureStartError(
    `Anxin will not start: HTTP would listen on ${http.host}, which other machines can reach, and no authentication is configured, ` +
      `so anyone on the network could read the names, addresses, contacts and alerts of every household. Do one of these: ` +
      `create an administrator with \`npm run admin -- create --username admin --role admin\` (it prints a generated password once; ` +
      `grid workers: \`--role grid-worker --grid <gridId>\`); or set ANXIN_API_TOKEN to a random secret of at least 16 characters ` +
      `(machine access with admin rights); or, for a local demo, listen on this machine only with ANXIN_HTTP_HOST=127.0.0.1 (the default). ` +
      `For browsers on other machines also configure http.tls {certFile, keyFile}.`,
  );
}

/** At the very first start (no user at all): an administrator "admin" with a generated password, to print once. */
export async function ensureFirstAdmin(store: Pick<Store, 'users'>, now: number): Promise<{ username: string; password: string } | undefined> {
  if (store.users.list().length > 0) return undefined;
  const password = generatePassword();
  const r = await store.users.create({ username: 'admin', password, role: 'admin', displayName: '管理员 Administrator' }, now);
  return 'error' in r ? undefined : { username: 'admin', password };
}

/** Reads the PEM files named by http.tls, or throws one clear message. */
export function loadTls(tls: TlsConfig): { cert: Buffer; key: Buffer } {
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`http.tls.${what}: cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); expected a PEM file`);
    }
  };
  return { cert: read('certFile', tls.certFile), key: read('keyFile', tls.keyFile) };
}
