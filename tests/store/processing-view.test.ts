// No query per message (issue 12.2): "may this meter be processed" is answered from memory
// and forgotten on every write through the households and meters repositories.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ProcessingView, invalidatingWrites } from '../../src/store/processing-view.ts';
import { T0, seedHousehold, tempStore } from './temp-store.ts';

describe('processing view', () => {
  it('asks the database once per meter until something is written', () => {
    let queries = 0;
    const view = new ProcessingView((id) => (queries++, id === 'm-1'));
    for (let i = 0; i < 1000; i++) view.allowed('m-1'), view.allowed('m-2');
    expect(queries).toBe(2);
    view.invalidate();
    expect(view.allowed('m-1')).toBe(true);
    expect(queries).toBe(3);
  });

  it('wraps every method not named as a read, even one that throws', () => {
    let forgotten = 0;
    const repo = invalidatingWrites(
      { get: () => 1, change: () => 2, broken: (): number => { throw new Error('x'); } },
      ['get'],
      () => forgotten++,
    );
    expect(repo.get()).toBe(1);
    expect(forgotten).toBe(0);
    expect(repo.change()).toBe(2);
    expect(() => repo.broken()).toThrow('x');
    expect(forgotten).toBe(2);
  });

  it('a consent withdrawal, a revocation or a new consent takes effect on the next question, with no query per message', () => {
    const { store, path } = tempStore();
    seedHousehold(store, 'hh-1', 'm-1');
    expect(store.meters.isProcessingAllowed('m-1')).toBe(true);
    // Another connection changing the row behind the store's back is not seen: the answer is from memory.
    const other = new Database(path);
    other.prepare('UPDATE households SET consent_withdrawn_at = 1 WHERE id = ?').run('hh-1');
    other.close();
    expect(store.meters.isProcessingAllowed('m-1')).toBe(true);
    // Through the store's own write methods it is seen at once.
    store.households.withdrawConsent('hh-1', T0 + 1);
    expect(store.meters.isProcessingAllowed('m-1')).toBe(false);
    store.households.giveConsent('hh-1', { consentedBy: '王奶奶', consentedAt: T0 + 2, scope: ['water-monitoring'] });
    expect(store.meters.isProcessingAllowed('m-1')).toBe(true);
    store.meters.revoke('m-1');
    expect(store.meters.isProcessingAllowed('m-1')).toBe(false);
    store.meters.rotateToken('m-1'); // reinstates
    expect(store.meters.isProcessingAllowed('m-1')).toBe(true);
  });
});
