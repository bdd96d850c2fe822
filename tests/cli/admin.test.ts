// npm run admin -- …: accounts from the server's shell, against a real SQLite file.
import { describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/cli/admin.ts';
import { T0, tempStore } from '../store/temp-store.ts';

const run = async (store: ReturnType<typeof tempStore>['store'], ...argv: string[]) => {
  const out: string[] = [];
  const code = await runAdmin(argv, store, (s) => out.push(s));
  return { code, out };
};

describe('npm run admin', () => {
  it('creates an admin with a generated password printed once, and it verifies', async () => {
    const { store } = tempStore();
    const r = await run(store, 'create', '--username', 'boss', '--role', 'admin');
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('created admin "boss"');
    const password = /shown only this once\): (\S+)$/.exec(r.out[1]!)![1]!;
    expect(await store.users.verify('boss', password)).toMatchObject({ username: 'boss', role: 'admin' });
    expect(JSON.stringify(store.users.list())).not.toContain(password);
  });

  it('creates grid workers for their grids, lists, disables (ending sessions) and resets passwords', async () => {
    const { store } = tempStore();
    await run(store, 'create', '--username', 'w1', '--role', 'grid-worker', '--grid', 'g1', '--grid', 'g2', '--display-name', '王网格员', '--password', 'given password 1');
    expect((await run(store, 'list')).out).toEqual(['w1\tgrid-worker\tg1,g2\t王网格员\tactive']);
    store.sessions.create('w1', T0, { idleMs: 1e9, absoluteMs: 1e9 });
    expect((await run(store, 'disable', '--username', 'w1')).out).toEqual(['disabled "w1"']);
    expect(store.sessions.countOf('w1')).toBe(0);
    expect(await store.users.verify('w1', 'given password 1')).toBeUndefined();
    await run(store, 'enable', '--username', 'w1');
    const reset = await run(store, 'reset-password', '--username', 'w1');
    const password = /: (\S+); their sessions were ended$/.exec(reset.out[0]!)![1]!;
    expect(await store.users.verify('w1', password)).toMatchObject({ username: 'w1' });
    expect(await store.users.verify('w1', 'given password 1')).toBeUndefined();
  });

  it.each([
    [['create', '--username', 'x', '--role', 'boss'], /expected --role to be one of grid-worker, admin, operator/],
    [['create', '--role', 'admin'], /expected --username/],
    [['create', '--username', 'w', '--role', 'grid-worker'], /at least one grid id/],
    [['create', '--username', 'w', '--role', 'admin', '--password', 'short'], /at least 10 characters/],
    [['disable', '--username', 'ghost'], /no user "ghost"/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j fails with a clear message', async (argv, message) => {
    const { store } = tempStore();
    await expect(run(store, ...argv)).rejects.toThrow(message);
  });

  it('will not disable the last enabled administrator (as the API answers 409), but one of two', async () => {
    const { store } = tempStore();
    await run(store, 'create', '--username', 'boss', '--role', 'admin', '--password', 'given password 1');
    await expect(run(store, 'disable', '--username', 'boss')).rejects.toThrow(/"boss" is the last enabled administrator; create another one first/);
    expect(await store.users.verify('boss', 'given password 1')).toMatchObject({ username: 'boss' });
    await run(store, 'create', '--username', 'boss2', '--role', 'admin', '--password', 'given password 2');
    expect((await run(store, 'disable', '--username', 'boss')).out).toEqual(['disabled "boss"']);
    await expect(run(store, 'disable', '--username', 'boss2')).rejects.toThrow(/last enabled administrator/);
  });

  it('refuses a second user of the same name', async () => {
    const { store } = tempStore();
    await run(store, 'create', '--username', 'boss', '--role', 'admin', '--password', 'given password 1');
    await expect(run(store, 'create', '--username', 'boss', '--role', 'operator', '--password', 'given password 2')).rejects.toThrow(/already exists/);
  });
});
