// Starts tests/integration/service-child.ts and seeds its database beforehand.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/index.ts';

const CHILD = join(import.meta.dirname, 'service-child.ts');

export interface Child {
  proc: ChildProcess;
  mqttPort: number;
  httpPort: number;
  /** The service's JSON log lines so far. */
  logs: { msg?: string; restored?: number }[];
  exited: Promise<void>;
}

export async function startChild(dbPath: string, limits?: object): Promise<Child> {
  const env = { ...process.env, ANXIN_DB: dbPath, ...(limits && { ANXIN_TEST_LIMITS: JSON.stringify(limits) }) };
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const logs: Child['logs'] = [];
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const ready = new Promise<{ mqttPort: number; httpPort: number }>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`service exited (${code}) before it was ready`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const j = JSON.parse(line) as { ready?: boolean; mqttPort: number; httpPort: number; msg?: string };
      if (j.ready) resolve(j);
      else logs.push(j);
    });
  });
  return { proc, ...(await ready), logs, exited };
}

/** Households with consent and one meter each; returns the meters' tokens. */
export function seedMeters(dbPath: string, ids: readonly string[], at: number): Map<string, string> {
  const store = openStore(dbPath);
  const tokens = new Map<string, string>();
  try {
    for (const id of ids) {
      store.households.create({ id: `h-${id}`, name: `住户 ${id}` }, at);
      store.households.giveConsent(`h-${id}`, { consentedBy: '本人', consentedAt: at, scope: ['water-monitoring'] });
      const p = store.meters.provision(id, `h-${id}`, at);
      if ('error' in p) throw new Error(p.message);
      tokens.set(id, p.token);
    }
  } finally {
    store.close();
  }
  return tokens;
}
