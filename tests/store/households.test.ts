import { describe, expect, it } from 'vitest';
import { isFailure } from '../../src/store/index.ts';
import { HOUR, T0, tempStore } from './temp-store.ts';

describe('households repository', () => {
  it('creates, reads, lists by grid and patches (null clears a field)', () => {
    const { store } = tempStore();
    store.households.create({ id: 'hh-1', name: '李爷爷', address: '幸福路 1 号', gridId: 'g1' }, T0);
    store.households.create({ id: 'hh-2', name: '张奶奶', gridId: 'g2' }, T0 + 1);
    const generated = store.households.create({ name: '赵阿姨' }, T0 + 2);
    expect(isFailure(generated) ? null : generated.id).toMatch(/^hh-[0-9a-f]{12}$/);

    expect(store.households.create({ id: 'hh-1', name: 'dup' }, T0)).toMatchObject({ error: 'household-exists' });
    expect(store.households.list({ gridId: 'g1', limit: 10, offset: 0 })).toMatchObject({ total: 1, items: [{ id: 'hh-1' }] });
    expect(store.households.list({ limit: 1, offset: 1 })).toMatchObject({ total: 3, items: [{ id: 'hh-2' }] });

    const patched = store.households.update('hh-1', { address: null, gridId: 'g2' });
    expect(patched).toEqual({ id: 'hh-1', name: '李爷爷', gridId: 'g2', createdAt: T0 });
    expect(store.households.update('nope', { name: 'x' })).toMatchObject({ error: 'household-not-found' });
  });

  it('records consent, keeps the first withdrawal time and logs every change', () => {
    const { store } = tempStore();
    store.households.create({ id: 'hh-1', name: 'A' }, T0);
    expect(store.households.withdrawConsent('hh-1', T0)).toMatchObject({ error: 'no-consent' });

    store.households.giveConsent('hh-1', { consentedBy: '女儿 李梅', consentedAt: T0, scope: ['water-monitoring'] });
    store.households.withdrawConsent('hh-1', T0 + HOUR);
    const again = store.households.withdrawConsent('hh-1', T0 + 2 * HOUR);
    expect(again).toMatchObject({ consent: { consentedBy: '女儿 李梅', scope: ['water-monitoring'], withdrawnAt: T0 + HOUR } });

    const renewed = store.households.giveConsent('hh-1', { consentedBy: 'A', consentedAt: T0 + 3 * HOUR, scope: ['a', 'b'] });
    expect(renewed).toMatchObject({ consent: { consentedBy: 'A', consentedAt: T0 + 3 * HOUR, scope: ['a', 'b'] } });
    expect(isFailure(renewed) ? null : renewed.consent?.withdrawnAt).toBeUndefined();

    expect(store.households.consentHistory('hh-1')).toEqual([
      { at: T0, kind: 'given', by: '女儿 李梅', scope: ['water-monitoring'] },
      { at: T0 + HOUR, kind: 'withdrawn' },
      { at: T0 + 3 * HOUR, kind: 'given', by: 'A', scope: ['a', 'b'] },
    ]);
  });

  it('sets and clears an away period, refusing an empty range', () => {
    const { store } = tempStore();
    store.households.create({ id: 'hh-1', name: 'A' }, T0);
    expect(store.households.setAway('hh-1', T0 + HOUR, T0)).toMatchObject({ error: 'invalid-range' });
    expect(store.households.setAway('hh-1', T0, T0 + HOUR)).toMatchObject({ awayFrom: T0, awayUntil: T0 + HOUR });
    // Back early: a period under way ends then, and is kept (the silence at home starts there).
    expect(store.households.endAway('hh-1', T0 + HOUR / 2)).toMatchObject({ awayFrom: T0, awayUntil: T0 + HOUR / 2 });
    // A period not yet begun is cancelled.
    store.households.setAway('hh-1', T0 + 2 * HOUR, T0 + 3 * HOUR);
    const cleared = store.households.endAway('hh-1', T0 + HOUR);
    expect(cleared).not.toHaveProperty('awayFrom');
    expect(cleared).not.toHaveProperty('awayUntil');
    expect(store.households.endAway('nope', T0)).toMatchObject({ error: 'household-not-found' });
  });

  it('keeps contacts per household in the order added', () => {
    const { store } = tempStore();
    store.households.create({ id: 'hh-1', name: 'A' }, T0);
    store.contacts.add('hh-1', { name: '李梅', role: 'family', phone: '13800138000' });
    store.contacts.add('hh-1', { name: '网格员 陈', role: 'grid-worker', wechatOpenId: 'o-123' });
    expect(store.contacts.add('nope', { name: 'x', role: 'other' })).toMatchObject({ error: 'household-not-found' });
    const list = store.contacts.list('hh-1');
    expect(list.map((c) => [c.name, c.role, c.phone, c.wechatOpenId])).toEqual([
      ['李梅', 'family', '13800138000', undefined],
      ['网格员 陈', 'grid-worker', undefined, 'o-123'],
    ]);
    expect(store.contacts.remove(list[0]!.id)).toBe(true);
    expect(store.contacts.list('hh-1')).toHaveLength(1);
  });
});
