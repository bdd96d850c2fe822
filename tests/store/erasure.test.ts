// Erasure and retention at the store: every row about a household goes, including rows of
// tables this module does not know (found through their foreign keys); retention keeps open alerts.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runRetention, RetentionSchema } from '../../src/service/retention.ts';
import { HOUR, T0, makeAlert, seedHousehold, tempStore } from './temp-store.ts';

const DAY = 24 * HOUR;

describe('erasure', () => {
  it('also deletes rows of other tables that reference its alerts or meters, in one transaction', () => {
    const { store, path } = tempStore();
    seedHousehold(store, 'hh-1', 'm-1');
    seedHousehold(store, 'hh-2', 'm-2');
    store.alerts.insert(makeAlert({ id: 'al-1', meterId: 'm-1' }));
    store.alerts.insert(makeAlert({ id: 'al-2', meterId: 'm-2' }));
    const raw = new Database(path);
    raw.exec('CREATE TABLE outbox (id INTEGER PRIMARY KEY, alert_id TEXT NOT NULL REFERENCES alerts(id)); INSERT INTO outbox (alert_id) VALUES (\'al-1\'), (\'al-2\');');
    // A grandchild (an outbox row's attempts): deleted before its parent, at any depth.
    raw.exec('CREATE TABLE outbox_tries (id INTEGER PRIMARY KEY, outbox_id INTEGER NOT NULL REFERENCES outbox(id)); INSERT INTO outbox_tries (outbox_id) VALUES (1), (1), (2);');
    raw.close();
    const removed = store.erasure.erase('hh-1', 'deletion-request', T0 + DAY);
    expect(removed).toMatchObject({ outbox_tries: 2, outbox: 1, alert_events: 1, alerts: 1, meters: 1, households: 1, consent_log: 1 });
    expect(store.alerts.get('al-2')).toBeDefined();
    expect(store.erasure.erase('hh-1', 'deletion-request', T0 + DAY)).toBeUndefined();
  });

  it("deletes the escalation planner's wake-ups of the household's alerts (a table keyed by alert id without a foreign key)", () => {
    const { store } = tempStore();
    seedHousehold(store, 'hh-1', 'm-1');
    seedHousehold(store, 'hh-2', 'm-2');
    store.alerts.insert(makeAlert({ id: 'al-1', meterId: 'm-1' }));
    store.alerts.insert(makeAlert({ id: 'al-2', meterId: 'm-2' }));
    store.outbox.wakeAt('al-1', T0 + HOUR);
    store.outbox.wakeAt('al-2', T0 + HOUR);
    const removed = store.erasure.erase('hh-1', 'deletion-request', T0 + DAY);
    expect(removed).toMatchObject({ notify_wakeups: 1 });
    expect(store.outbox.wakeOf('al-1')).toBeUndefined();
    expect(store.outbox.wakeOf('al-2')).toBe(T0 + HOUR);
    expect(store.outbox.wakesDue(T0 + DAY)).toEqual(['al-2']);
  });

  it('retention of resolved alerts takes their wake-ups too', () => {
    const { store } = tempStore();
    seedHousehold(store);
    store.alerts.insert(makeAlert({ id: 'old', openedAt: T0, status: 'resolved', resolvedAt: T0 + HOUR, resolution: 'auto', resolvedBy: 'system' }));
    store.alerts.insert(makeAlert({ id: 'open', openedAt: T0 }));
    store.outbox.wakeAt('old', T0 + 2 * HOUR);
    store.outbox.wakeAt('open', T0 + 2 * HOUR);
    expect(store.erasure.pruneResolvedAlerts(T0 + DAY)).toBe(1);
    expect(store.outbox.wakesDue(T0 + DAY)).toEqual(['open']);
  });
});

describe('retention (daily job)', () => {
  it('prunes each table by its own limit, never an open alert, and reports what it removed', async () => {
    const { store } = tempStore();
    seedHousehold(store);
    const now = T0 + 400 * DAY;
    store.alerts.insert(makeAlert({ id: 'old-resolved', openedAt: T0, status: 'resolved', resolvedAt: T0 + HOUR, resolution: 'auto', resolvedBy: 'system' }));
    store.alerts.insert(makeAlert({ id: 'old-open', openedAt: T0 }));
    store.alerts.insert(makeAlert({ id: 'new-resolved', openedAt: now - DAY, status: 'resolved', resolvedAt: now - DAY, resolution: 'auto', resolvedBy: 'system' }));
    store.detectorSnapshots.saveAll([
      { meterId: 'gone', version: 1, state: '{}', savedAt: now - 31 * DAY },
      { meterId: 'm-1', version: 1, state: '{}', savedAt: now - HOUR },
    ]);
    store.readings.addMany([{ meterId: 'm-1', ts: now - 31 * DAY, totalLiters: 1, receivedAt: now - 31 * DAY }, { meterId: 'm-1', ts: now - DAY, totalLiters: 2, receivedAt: now - DAY }]);
    await store.users.create({ username: 'w1', password: 'a long password', role: 'admin' }, T0);
    store.sessions.create('w1', now - 13 * HOUR, { idleMs: 2 * HOUR, absoluteMs: 12 * HOUR });
    const logged: unknown[] = [];
    const logger = { info: (o: unknown) => logged.push(o) } as never;
    const removed = await runRetention({ store, retention: RetentionSchema.parse({}), sessions: { idleMs: 2 * HOUR, absoluteMs: 12 * HOUR }, logger }, now);
    expect(removed).toMatchObject({ alerts: 1, detectorSnapshots: 1, readings: 1, sessions: 1, erasedHouseholds: 0 });
    expect(store.alerts.get('old-resolved')).toBeUndefined();
    expect(store.alerts.history('old-resolved')).toEqual([]);
    expect(store.alerts.get('old-open')).toBeDefined();
    expect(store.alerts.get('new-resolved')).toBeDefined();
    expect(store.detectorSnapshots.list().map((s) => s.meterId)).toEqual(['m-1']);
    expect(logged).toContainEqual({ removed });
  });

  it('goes on with the other tables when one step fails, and says which', async () => {
    const { store } = tempStore();
    seedHousehold(store);
    const now = T0 + 400 * DAY;
    store.alerts.insert(makeAlert({ id: 'old-resolved', status: 'resolved', openedAt: T0, resolvedAt: T0 + HOUR }));
    store.accessLog.prune = () => {
      throw new Error('disk I/O error');
    };
    const errors: unknown[] = [];
    const logger = { info: () => {}, error: (o: unknown) => errors.push(o) } as never;
    const removed = await runRetention({ store, retention: RetentionSchema.parse({}), sessions: { idleMs: 2 * HOUR, absoluteMs: 12 * HOUR }, logger }, now);
    expect(removed).toMatchObject({ alerts: 1, sessions: 0, erasedHouseholds: 0 });
    expect(removed).not.toHaveProperty('accessLog');
    expect(errors).toMatchObject([{ table: 'accessLog' }]);
  });
});
