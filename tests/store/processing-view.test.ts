// No query per message (issue 12.2): "may this meter be processed" is answered from memory
// and forgotten on every write through the households and meters repositories.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ProcessingView, invalidatingWrites } from '../../src/store/processing-view.ts';
import { T0, seedHousehold, tempStore } from './temp-store.ts';

describe('processing view', () => {
  it('asks the database once per meter for the first few, then once for all until something is written', () => {
    let single = 0;
    let bulk = 0;
    const view = new ProcessingView(
      (id) => (single++, id === 'm-1'),
      () => (bulk++, ['m-1', 'm-3']),
    );
    for (let i = 0; i < 1000; i++) view.allowed('m-1'), view.allowed('m-2');
    expect([single, bulk]).toEqual([2, 0]);
    // A fleet warming up: 64 meters are asked one by one, then one scan answers everyone.
    for (let i = 0; i < 1000; i++) view.allowed(`m-x${i}`);
    expect([single, bulk]).toEqual([64, 1]);
    expect([view.allowed('m-1'), view.allowed('m-2'), view.allowed('m-3')]).toEqual([true, false, true]);
    expect([single, bulk]).toEqual([64, 1]);
    view.invalidate();
    expect(view.size).toBe(0);
    expect(view.allowed('m-3')).toBe(false); // a single query again (the stub answers only m-1)
    expect([single, bulk]).toEqual([65, 1]);
    expect(view.loads).toBe(1);
  });

  it('the fleet-wide answer agrees with the rows: a revoked meter and an unknown one are not processed', () => {
    const { store } = tempStore();
    for (let i = 0; i < 100; i++) seedHousehold(store, `hh-${i}`, `m-${i}`);
    store.meters.revoke('m-7');
    const { meters } = store;
    const ids = meters.processingAllowedIds();
    expect(ids).toHaveLength(99);
    expect(ids).not.toContain('m-7');
    // 100 meters, more than the single-query allowance: the bulk answers agree with the rows.
    for (let round = 0; round < 2; round++) for (let i = 0; i < 100; i++) expect(meters.isProcessingAllowed(`m-${i}`)).toBe(i !== 7);
    expect(meters.isProcessingAllowed('m-unknown')).toBe(false);
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
