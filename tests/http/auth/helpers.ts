// Signed-in requests for the role tests: real users in the real store, real cookies.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Store } from '../../../src/store/index.ts';
import type { NewUser } from '../../../src/store/users.ts';

export const PASSWORD = 'correct horse battery';

export interface Client {
  cookie: string;
  csrf: string;
  /** inject with the session cookie and, for changes, the CSRF header. */
  req(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

export async function addUser(store: Store, u: Partial<NewUser> & Pick<NewUser, 'username' | 'role'>) {
  const r = await store.users.create({ password: PASSWORD, ...u });
  if ('error' in r) throw new Error(r.message);
  return r;
}

export async function login(app: FastifyInstance, username: string, password = PASSWORD): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const set = String(res.headers['set-cookie']);
  const cookie = set.split(';')[0]!;
  const csrf = res.json().csrfToken as string;
  return {
    cookie,
    csrf,
    req: (opts) =>
      app.inject({
        ...opts,
        headers: { ...(opts.headers ?? {}), cookie, ...(opts.method && opts.method !== 'GET' ? { 'x-csrf-token': csrf } : {}) },
      }),
  };
}
