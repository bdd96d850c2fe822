import { describe, expect, it } from 'vitest';
import { acknowledge, isTransitionError, resolveManually } from '../../src/alerting/lifecycle.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { AlertQuery } from '../../src/store/index.ts';
import { HOUR, T0, makeAlert, seedHousehold, tempStore } from './temp-store.ts';

const ok = (a: ReturnType<typeof acknowledge>): Alert => {
  if (isTransitionError(a)) throw new Error(a.message);
  return a;
};

describe('alerts repository', () => {
  it('stores an alert with its reason and writes history with each change', () => {
    const { store } = tempStore();
    const opened = makeAlert();
    expect(store.alerts.insert(opened)).toBe(true);
    expect(store.alerts.get('al-1')).toEqual(opened);

    const acked = ok(acknowledge(opened, '网格员 陈', T0 + HOUR));
    expect(store.alerts.record({ kind: 'acknowledged', alert: acked }, 'on my way')).toBe(true);
    store.alerts.addNote('al-1', T0 + 2 * HOUR, '网格员 陈', 'door locked, calling daughter');
    const resolved = ok(resolveManually(acked, '网格员 陈', T0 + 3 * HOUR, 'resident was at the hospital'));
    store.alerts.record({ kind: 'resolved', alert: resolved });

    expect(store.alerts.get('al-1')).toEqual(resolved);
    expect(store.alerts.history('al-1')).toEqual([
      { alertId: 'al-1', at: T0, kind: 'opened', by: 'system' },
      { alertId: 'al-1', at: T0 + HOUR, kind: 'acknowledged', by: '网格员 陈', note: 'on my way' },
      { alertId: 'al-1', at: T0 + 2 * HOUR, kind: 'note', by: '网格员 陈', note: 'door locked, calling daughter' },
      { alertId: 'al-1', at: T0 + 3 * HOUR, kind: 'resolved', by: '网格员 陈', note: 'resident was at the hospital' },
    ]);
  });

  it('ignores a second insert of the same id and an update of an unknown one', () => {
    const { store } = tempStore();
    store.alerts.insert(makeAlert());
    expect(store.alerts.insert(makeAlert({ type: 'leak' }))).toBe(false);
    expect(store.alerts.get('al-1')?.type).toBe('no-usage');
    expect(store.alerts.history('al-1')).toHaveLength(1);
    expect(store.alerts.update(makeAlert({ id: 'al-9' }), { kind: 'note', at: T0, by: 'x' })).toBe(false);
    expect(store.alerts.history('al-9')).toEqual([]);
    expect(store.alerts.addNote('al-9', T0, 'x', 'y')).toBe(false);
  });

  describe('list filters', () => {
    const seed = () => {
      const { store } = tempStore();
      seedHousehold(store, 'hh-1', 'm-1');
      seedHousehold(store, 'hh-2', 'm-2');
      store.alerts.insert(makeAlert({ id: 'a1', meterId: 'm-1', type: 'no-usage', openedAt: T0 }));
      store.alerts.insert(makeAlert({ id: 'a2', meterId: 'm-1', type: 'leak', openedAt: T0 + HOUR }));
      store.alerts.insert(makeAlert({ id: 'a3', meterId: 'm-2', type: 'leak', openedAt: T0 + 2 * HOUR }));
      store.alerts.insert(makeAlert({ id: 'a4', meterId: 'm-2', type: 'surge', openedAt: T0 + 3 * HOUR, status: 'resolved', resolvedAt: T0 + 4 * HOUR, resolution: 'auto', resolvedBy: 'system' }));
      return store;
    };
    const page = { limit: 50, offset: 0 };
    it.each<[string, Partial<AlertQuery>, string[], number?]>([
      ['none: newest first', {}, ['a4', 'a3', 'a2', 'a1']],
      ['status', { status: 'open' }, ['a3', 'a2', 'a1']],
      ['type', { type: 'leak' }, ['a3', 'a2']],
      ['meterId', { meterId: 'm-2' }, ['a4', 'a3']],
      ['householdId', { householdId: 'hh-1' }, ['a2', 'a1']],
      ['since', { since: T0 + HOUR }, ['a4', 'a3', 'a2']],
      ['combined', { type: 'leak', householdId: 'hh-2' }, ['a3']],
      ['paged', { limit: 2, offset: 1 }, ['a3', 'a2'], 4],
    ])('%s', (_name, q, ids, total = ids.length) => {
      const store = seed();
      const r = store.alerts.list({ ...page, ...q });
      expect(r.items.map((a) => a.id)).toEqual(ids);
      expect(r.total).toBe(total);
    });

    it('listActive returns open and acknowledged alerts, oldest first', () => {
      const store = seed();
      expect(store.alerts.listActive().map((a) => a.id)).toEqual(['a1', 'a2', 'a3']);
    });
  });

  it('keeps the stage and outcome, and records an escalation in the history at its own time', () => {
    const { store } = tempStore();
    const opened = { ...makeAlert(), stage: 'check-in' as const };
    store.alerts.insert(opened);
    expect(store.alerts.get('al-1')?.stage).toBe('check-in');
    const confirmed = { ...opened, stage: 'confirmed' as const, reason: { zh: '确认', en: 'confirmed', facts: {} } };
    expect(store.alerts.record({ kind: 'escalated', alert: confirmed, at: T0 + HOUR })).toBe(true);
    const resolved = ok(resolveManually(confirmed, '网格员 陈', T0 + 2 * HOUR, 'at her daughter\'s'));
    store.alerts.record({ kind: 'resolved', alert: { ...resolved, outcome: 'elder-fine' } });
    expect(store.alerts.get('al-1')).toMatchObject({ stage: 'confirmed', outcome: 'elder-fine', status: 'resolved' });
    expect(store.alerts.history('al-1').map((e) => [e.kind, e.at])).toEqual([
      ['opened', T0],
      ['escalated', T0 + HOUR],
      ['resolved', T0 + 2 * HOUR],
    ]);
  });
});

