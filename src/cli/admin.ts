// npm run admin -- <command>: manage the people who sign in (users), from the server's shell.
//   create --username U --role admin|grid-worker|operator [--grid g1 --grid g2] [--display-name N] [--password P]
//   list
//   disable --username U        (signs them out everywhere)
//   enable --username U
//   reset-password --username U [--password P]
// Without --password a random one is generated and printed once; only its hash is stored.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openStore, type Store } from '../store/index.ts';
import { generatePassword } from '../store/password.ts';
import { ROLES, type Role } from '../store/users.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMain } from './is-main.ts';

const USAGE = `usage: npm run admin -- <command> [options]   (database: ANXIN_DB or the config's dbPath)
  create --username U --role ${ROLES.join('|')} [--grid G ...] [--display-name N] [--password P]
  list
  disable --username U
  enable --username U
  reset-password --username U [--password P]
Without --password a password is generated and printed once.`;

export async function runAdmin(argv: string[], store: Store, out: (s: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  const { values: o } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      grid: { type: 'string', multiple: true },
      'display-name': { type: 'string' },
      password: { type: 'string' },
    },
    strict: true,
  });
  const need = (name: 'username' | 'role') => {
    if (!o[name]) throw new Error(`expected --${name}\n${USAGE}`);
    return o[name]!;
  };
  switch (command) {
    case 'create': {
      const role = need('role');
      if (!(ROLES as readonly string[]).includes(role)) throw new Error(`expected --role to be one of ${ROLES.join(', ')}, got "${role}"`);
      const password = o.password ?? generatePassword();
      const r = await store.users.create({
        username: need('username'),
        password,
        role: role as Role,
        gridIds: o.grid ?? [],
        ...(o['display-name'] && { displayName: o['display-name'] }),
      });
      if ('error' in r) throw new Error(r.message);
      out(`created ${r.role} "${r.username}"${r.gridIds.length ? ` for grids ${r.gridIds.join(', ')}` : ''}`);
      if (!o.password) out(`password (shown only this once): ${password}`);
      return 0;
    }
    case 'list':
      for (const u of store.users.list())
        out(`${u.username}\t${u.role}\t${u.gridIds.join(',') || '-'}\t${u.displayName}\t${u.disabledAt ? 'disabled' : 'active'}`);
      return 0;
    case 'disable':
    case 'enable': {
      // As the API (409 last-admin): the last enabled administrator stays, or nobody could sign in to manage users.
      if (command === 'disable' && store.users.isLastEnabledAdmin(need('username')))
        throw new Error(`"${need('username')}" is the last enabled administrator; create another one first (npm run admin -- create --username U --role admin)`);
      const r = command === 'disable' ? store.users.disable(need('username')) : store.users.enable(need('username'));
      if ('error' in r) throw new Error(r.message);
      out(`${command}d "${r.username}"`);
      return 0;
    }
    case 'reset-password': {
      const password = o.password ?? generatePassword();
      const r = await store.users.setPassword(need('username'), password);
      if ('error' in r) throw new Error(r.message);
      out(`new password for "${r.username}"${o.password ? ' set' : ` (shown only this once): ${password}`}; their sessions were ended`);
      return 0;
    }
    default:
      throw new Error(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
  }
}

if (isMain(import.meta.url)) {
  let store: Store | undefined;
  try {
    const config = loadConfig();
    if (config.dbPath !== ':memory:') mkdirSync(dirname(config.dbPath), { recursive: true });
    store = openStore(config.dbPath);
    process.exitCode = await runAdmin(process.argv.slice(2), store, (s) => console.log(s));
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
  } finally {
    store?.close();
  }
}
