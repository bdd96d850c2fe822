// Real SQLite files in a fresh temp dir per test; removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import type { Alert } from '../../src/domain/alert.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-store-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A store on a real file; closed and deleted after the test. */
export function tempStore(): { store: Store; path: string } {
  const path = join(tempDir(), 'anxin.db');
  const store = openStore(path);
  // Runs before the dir removal (LIFO).
  cleanups.push(() => store.close());
  return { store, path };
}

export const T0 = Date.parse('2025-03-01T08:00:00Z');
export const HOUR = 3_600_000;

/** A household with consent and one meter; returns the meter token. */
export function seedHousehold(store: Store, id = 'hh-1', meterId = 'm-1'): string {
  store.households.create({ id, name: '王奶奶', gridId: 'grid-7' }, T0);
  store.households.giveConsent(id, { consentedBy: '王奶奶', consentedAt: T0, scope: ['water-monitoring'] });
  const r = store.meters.provision(meterId, id, T0);
  if ('error' in r) throw new Error(r.message);
  return r.token;
}

export function makeAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'al-1',
    meterId: 'm-1',
    type: 'no-usage',
    status: 'open',
    openedAt: T0,
    observedAt: T0 - HOUR,
    reason: { zh: '已有14小时未用水', en: 'No water used for 14 hours', facts: { hours: 14 } },
    ...over,
  };
}
